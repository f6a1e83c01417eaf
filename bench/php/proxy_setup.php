<?php
/*
 * bench/proxy-download's helpdesk side, in a booted real osTicket
 * (tests/osticket/boot.php): switches the plugin to proxy mode and gives
 * osTicket a large file from a path, as a web upload does (the caller gives
 * key and signature; the plugin's upload() streams it to S3). Prints one
 * JSON line: the file.php URL (signed by osTicket), the object's key in the
 * bucket, the file's id.
 *
 *   php proxy_setup.php PATH      (environment: as tests/osticket/suite/run.php)
 */

require dirname(__DIR__, 2) . '/tests/osticket/boot.php'; // top level: osTicket needs its globals
require dirname(__DIR__, 2) . '/tests/osticket/suite/lib.php';
require dirname(__DIR__, 2) . '/tests/osticket/suite/plugin_form.php';

$path = $argv[1] ?? '';
if (!is_file($path)) {
    fwrite(STDERR, "usage: proxy_setup.php PATH (a file to give osTicket)\n");
    exit(1);
}
$row = Plugin::objects()->filter(['install_path' => 'plugins/s3-native'])->first();
$instance = $row ? PluginManager::lookup($row->getId())->getInstances()->first() : null;
$errors = [];
if (!$instance || !plugin_form_update($instance, plugin_form_values(['download-mode' => 'proxy']), $errors)) {
    fwrite(STDERR, 'proxy_setup.php: cannot switch the plugin to proxy mode: ' . json_encode($errors) . "\n");
    exit(1);
}
use_storage('3');
$info = ['name' => 'bench-download.bin', 'type' => 'application/octet-stream', 'tmp_name' => $path,
    'size' => filesize($path), 'key' => strtolower(Misc::randCode(32, 'abcdefghijklmnopqrstuvwxyz0123456789')),
    'signature' => hash_file('sha1', $path)];
$t0 = microtime(true);
$file = AttachmentFile::create($info);
if (!$file || file_row((int) $file->getId())['bk'] !== '3') {
    fwrite(STDERR, "proxy_setup.php: osTicket did not store $path in S3 (see PHP's error log)\n");
    exit(1);
}
echo json_encode(['url' => env('OST_URL') . $file->getDownloadUrl(), 'object_key' => object_key_for(file_row((int) $file->getId())),
    'id' => (int) $file->getId(), 'upload_seconds' => round(microtime(true) - $t0, 2)], JSON_UNESCAPED_SLASHES) . "\n";
