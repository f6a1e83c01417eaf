<?php
/*
 * Points the plugin at another endpoint, as an admin would: its config form
 * posted (Admin Panel > Plugins > S3 > instance), so the form's access check
 * runs through that endpoint. bench/migration uses it to send the plugin's
 * requests through the latency proxy.
 *
 *   php migration_endpoint.php URL   (environment: as tests/osticket/suite/run.php)
 */

require dirname(__DIR__, 2) . '/tests/osticket/boot.php'; // top level: osTicket needs its globals
require dirname(__DIR__, 2) . '/tests/osticket/suite/plugin_form.php';

$url = (string) ($argv[1] ?? '');
$row = Plugin::objects()->filter(['install_path' => 'plugins/s3-native'])->first();
$instance = $row ? PluginManager::lookup($row->getId())->getInstances()->first() : null;
$errors = [];
if ($url === '' || !$instance || !plugin_form_update($instance, plugin_form_values(['endpoint' => $url]), $errors)) {
    fwrite(STDERR, "migration_endpoint.php: cannot point the plugin at '$url': " . json_encode($errors) . "\n");
    exit(1);
}
