<?php
/*
 * The plugin as one file (dist/s3-attachments-plugin.phar, copied to
 * include/plugins/ by run.sh, installed while the folder install was still
 * there, which was deleted afterwards): osTicket lists and installs it as a
 * phar, loads every class from inside it, and files go to S3 and come back
 * through it, in the CLI and in Apache's mod_php.
 */

function phar_plugin(): Plugin
{
    $row = Plugin::objects()->filter(['install_path' => env('OST_PLUGIN_PATH')])->first();
    if (!$row) {
        throw new RuntimeException('no ost_plugin row for ' . env('OST_PLUGIN_PATH'));
    }
    return PluginManager::lookup($row->getId());
}

function phar_download_mode(string $mode): void
{
    $errors = [];
    $saved = plugin_form_update(phar_plugin()->getInstances()->first(), plugin_form_values([
        'download-mode' => $mode, 'secret-access-key' => '']), $errors);
    if (!$saved) {
        throw new RuntimeException("cannot switch downloads to $mode: " . json_encode($errors));
    }
}

test('the plugin from the .phar: listed and installed by osTicket as a phar, loaded from inside it', function () {
    $path = env('OST_PLUGIN_PATH');
    Suite::same('.phar', substr($path, -5), 'the helpdesk runs the archive');
    $folder = include dirname(__DIR__, 4) . '/php/plugin.php';
    $info = PluginManager::allInfos()[$path] ?? null;
    Suite::same([$folder['id'], $folder['version']], [$info['id'] ?? null, $info['version'] ?? null],
        'Add New Plugin lists it with the manifest of php/');
    Suite::same([['install_path' => $path, 'isphar' => '1', 'isactive' => '1', 'version' => $folder['version']]],
        rows('SELECT install_path, isphar, isactive, version FROM ' . PLUGIN_TABLE),
        'one plugin installed, from the archive, active');
    Suite::check(!file_exists(INCLUDE_DIR . 'plugins/s3-native'), 'the folder install is gone');
    Suite::same(1, count(phar_plugin()->getActiveInstances()), 'its instance is enabled');
    Suite::same('S3NativeStorageBackend', FileStorageBackend::allRegistered(true)['3'] ?? null,
        'backend 3 is the plugin\'s');
    foreach (['S3NativeStoragePlugin' => 'storage.php', 'S3NativeStorageConfig' => 'config.php',
        'S3NativeStorageBackend' => 'backend.php', 'S3Native\\ObjectKeyResolver' => 'lib/ObjectKeyResolver.php']
        as $class => $file) {
        Suite::same(plugin_file($file), (new ReflectionClass($class))->getFileName(), "$class from inside the archive");
    }
    Suite::check(strpos(plugin_file('backend.php'), 'phar://') === 0, 'phar:// paths', plugin_file('backend.php'));
});

test('the .phar installed beside the folder install: no class declared twice (CLI, Apache), the admin told which to delete', function () {
    Shared::$values['expected_system_log'][] = 'This plugin is installed twice';
    $said = rows('SELECT log FROM ' . SYSLOG_TABLE . ' WHERE log LIKE \'%installed twice%\'');
    Suite::same(1, count($said), 'one entry in the system log (at most one an hour)');
    $entry = html_entity_decode($said[0]['log'] ?? ''); // osTicket keeps it HTML-escaped
    Suite::contains('installed twice, from include/plugins/s3-native and from include/'
        . env('OST_PLUGIN_PATH') . '; osTicket runs the code of the first for both', $entry, 'naming both copies');
    Suite::contains('Admin Panel > Manage > Plugins, delete the one you do not keep', $entry, 'with the fix');
    Suite::check(!preg_match('/PHP Fatal.*Cannot declare/', (string) file_get_contents(env('OST_PHP_ERROR_LOG'))),
        'no class declared twice');
});

test('the plugin from the .phar: a file stored through osTicket is in S3 and reads back (getData, file.php)', function () {
    use_storage('3');
    $bytes = unique_bytes(700000, 'phar');
    $info = ['name' => 'from-the-phar.bin', 'type' => 'application/octet-stream', 'data' => $bytes];
    $file = AttachmentFile::create($info);
    use_storage('D');
    if (!Suite::check($file instanceof AttachmentFile, 'osTicket creates the file')) {
        return;
    }
    $id = (int) $file->getId();
    try {
        $row = file_row($id);
        Suite::same('3', $row['bk'], 'ost_file.bk is 3');
        Suite::same(sha1($bytes), sha1((string) object_bytes(object_key_for($row))), 'the object at FOLDER/KEY has the bytes');
        Suite::same(sha1($bytes), sha1(fresh_file($id)->getData()), 'getData() reads them back');

        phar_download_mode('redirect');
        $page = http_request('GET', fresh_file($id)->getDownloadUrl());
        Suite::same(302, $page['status'], 'file.php (Apache, mod_php) redirects', substr($page['body'], 0, 300));
        $object = http_request('GET', $page['headers']['location'] ?? '');
        Suite::same([200, sha1($bytes)], [$object['status'], sha1($object['body'])], 'the signed URL serves the bytes');

        phar_download_mode('proxy');
        $page = http_request('GET', fresh_file($id)->getDownloadUrl());
        Suite::same([200, sha1($bytes), ''], [$page['status'], sha1($page['body']), $page['error']],
            'file.php in proxy mode streams the bytes');
    } finally {
        phar_download_mode('redirect');
        fresh_file($id)->delete();
    }
    Suite::same(null, file_row($id), 'AttachmentFile::delete() removes the row');
    Suite::same(null, s3()->head(object_key_for($row)), 'and the object');
});
