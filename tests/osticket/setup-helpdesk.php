<?php
/*
 * Prepares an installed helpdesk for the suite, through osTicket's own code:
 * settings an offline helpdesk needs, an API key for 127.0.0.1, and the
 * plugin (already copied to include/plugins/s3-native) installed,
 * activated and configured through its real config form (validation and
 * pre_save(), which checks access to the bucket), with its instance enabled.
 *
 *   php setup-helpdesk.php   (environment: see boot.php, plus S3_TEST_*
 *                             and OST_S3_FOLDER, the folder for this run)
 */

require __DIR__ . '/boot.php';
require __DIR__ . '/suite/plugin_form.php';

function setup_fail(string $message): void
{
    fwrite(STDERR, "setup-helpdesk.php: $message\n");
    exit(1);
}

global $cfg;
// Offline: no MX lookups for e-mail addresses; download links without a
// login (the suite fetches them like a mail recipient would); attachments
// up to 32 MiB; replies e-mail their attachments (read with getData());
// new files in the database until the suite chooses.
$cfg->updateAll([
    'email_attachments' => 1,
    'verify_email_addrs' => 0,
    'files_req_auth' => 0,
    'max_file_size' => 32 * 1024 * 1024,
    'default_storage_bk' => 'D',
]) || setup_fail('cannot update the helpdesk settings');

$errors = [];
$apiKeyId = API::add(['ipaddr' => '127.0.0.1', 'isactive' => 1, 'can_create_tickets' => 1,
    'can_exec_cron' => 1, 'notes' => 'tests/osticket'], $errors);
$apiKeyId || setup_fail('cannot add an API key: ' . json_encode($errors));

$plugin = (new PluginManager())->install('plugins/s3-native');
$plugin || setup_fail('PluginManager::install(plugins/s3-native) failed: is the manifest readable and '
    . 'its ost_version compatible?');
$plugin = PluginManager::lookup($plugin->getId());
$plugin->update(['isactive' => 1, 'notes' => ''], $errors) || setup_fail('cannot activate the plugin');

$errors = [];
$instance = plugin_form_add_instance($plugin, plugin_form_values(), $errors);
if (!$instance || $errors) {
    setup_fail('the plugin form refused the test configuration: ' . json_encode($errors));
}
echo "helpdesk ready: plugin {$plugin->getId()}, instance {$instance->getId()} enabled\n";
