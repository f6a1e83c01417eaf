<?php
/*
 * The plugin in Admin Panel > Manage > Plugins, through osTicket's own
 * PluginManager, for the plugin at include/OST_PLUGIN_PATH (the folder
 * plugins/s3-native or the archive plugins/s3-attachments-plugin.phar,
 * already copied there):
 *
 *   php plugin-admin.php install     Add New Plugin lists it; Install;
 *       activate; Add New Instance through its real config form
 *       (validation and pre_save(), which checks access to the bucket),
 *       enabled. Prints "helpdesk ready: plugin ID, instance ID enabled".
 *   php plugin-admin.php uninstall   Delete: the plugin, its instance and
 *       settings (Plugin::uninstall()).
 *
 * Each in its own process: a helpdesk that has booted one copy of the
 * plugin has its classes declared, and another copy would declare them again.
 * Environment: see boot.php, plus S3_TEST_*, OST_S3_FOLDER and OST_PLUGIN_PATH.
 */

require __DIR__ . '/boot.php';
require __DIR__ . '/suite/plugin_form.php';

function admin_fail(string $message): void
{
    fwrite(STDERR, "plugin-admin.php: $message\n");
    exit(1);
}

$path = (string) getenv('OST_PLUGIN_PATH');
$path !== '' || admin_fail('OST_PLUGIN_PATH is not set: run this through tests/osticket/run.sh');
$action = $argv[1] ?? '';
$installed = Plugin::objects()->filter(['install_path' => $path])->first();

if ($action === 'uninstall') {
    $installed || admin_fail("no plugin is installed from $path");
    $errors = [];
    PluginManager::lookup($installed->getId())->uninstall($errors)
        || admin_fail("Plugin::uninstall() refused for $path: " . json_encode($errors));
    echo "plugin $path uninstalled\n";
    exit(0);
}
$action === 'install' || admin_fail('usage: php plugin-admin.php install|uninstall');
$installed && admin_fail("a plugin is already installed from $path");

// What Add New Plugin offers: every plugin.php found in include/plugins/,
// a .phar only when Phar opens it and its signature verifies.
$info = PluginManager::allInfos()[$path] ?? null;
$info || admin_fail("osTicket does not list include/$path among its plugins (PluginManager::allInfos() has "
    . json_encode(array_keys(PluginManager::allInfos())) . '): for a .phar, Phar could not open it or verify '
    . 'its signature');
PluginManager::clearCache();
$plugin = (new PluginManager())->install($path);
$plugin || admin_fail("PluginManager::install($path) failed: is the manifest readable and its ost_version compatible?");
$plugin = PluginManager::lookup($plugin->getId());
$isPhar = substr($path, -5) === '.phar';
(bool) $plugin->isPhar() === $isPhar
    || admin_fail("osTicket recorded isphar=" . var_export($plugin->isPhar(), true) . " for $path");
$errors = [];
$plugin->update(['isactive' => 1, 'notes' => ''], $errors) || admin_fail('cannot activate the plugin');

$errors = [];
$instance = plugin_form_add_instance($plugin, plugin_form_values(), $errors);
if (!$instance || $errors) {
    admin_fail('the plugin form refused the test configuration: ' . json_encode($errors));
}
echo "helpdesk ready: plugin {$plugin->getId()} from $path" . ($isPhar ? ' (phar)' : '')
    . ", instance {$instance->getId()} enabled\n";
