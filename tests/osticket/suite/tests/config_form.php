<?php
/*
 * The plugin's config form as osTicket's admin panel saves it: the real
 * SimpleForm, PasswordField (encrypted with SECRET_SALT) and the plugin's
 * pre_save() access check against the bucket.
 */

function s3_plugin(): Plugin
{
    $row = Plugin::objects()->filter(['install_path' => env('OST_PLUGIN_PATH')])->first();
    if (!$row) {
        throw new RuntimeException('the plugin is not installed (no ost_plugin row for ' . env('OST_PLUGIN_PATH') . ')');
    }
    return PluginManager::lookup($row->getId());
}

function s3_instance(): PluginInstance
{
    $instance = s3_plugin()->getInstances()->first();
    if (!$instance) {
        throw new RuntimeException('the plugin has no instance');
    }
    return $instance;
}

/** The instance's saved settings, as rows of ost_config. */
function stored_config(): array
{
    $values = [];
    foreach (rows('SELECT `key`, `value` FROM ' . CONFIG_TABLE . ' WHERE namespace='
        . db_input(s3_instance()->getNamespace())) as $row) {
        $values[$row['key']] = $row['value'];
    }
    return $values;
}

function instance_enabled_in_db(): bool
{
    $flags = rows('SELECT flags FROM ' . PLUGIN_INSTANCE_TABLE . ' WHERE id=' . db_input(s3_instance()->getId()));
    return $flags && ((int) $flags[0]['flags'] & PluginInstance::FLAG_ENABLED) !== 0;
}

test('set-up: the plugin is installed, active, its one instance enabled, backend 3 registered', function () {
    $plugin = s3_plugin();
    Suite::check($plugin instanceof S3NativeStoragePlugin, 'PluginManager gives the plugin class',
        get_class($plugin));
    Suite::check((bool) $plugin->isActive(), 'the plugin is active');
    Suite::same(1, count($plugin->getInstances()), 'one instance');
    Suite::check(instance_enabled_in_db(), 'the instance is enabled');
    $registered = FileStorageBackend::allRegistered(true);
    Suite::same('S3NativeStorageBackend', $registered['3'] ?? null, 'backend 3 is the plugin\'s');
    Suite::same(plugin_file('backend.php'), (new ReflectionClass('S3NativeStorageBackend'))->getFileName(),
        'loaded from the installed plugin');
    Suite::same('S3 (' . bucket() . '/' . env('OST_S3_FOLDER') . ')', S3NativeStorageBackend::$desc,
        'its label names bucket and folder');
});

test('config form: the bucket field takes legacy names of up to 255 characters, the folder up to 180', function () {
    $form = s3_instance()->getConfig()->getForm();
    foreach (['bucket' => 255, 'folder' => 180] as $name => $max) {
        ob_start();
        $form->getField($name)->render();
        $html = (string) ob_get_clean();
        Suite::contains('maxlength="' . $max . '"', $html, "$name: the rendered input's maxlength is $max");
    }
});

test('config form: a wrong secret is refused with the plugin\'s message, nothing saved', function () {
    $before = stored_config();
    $wrong = 'wrong-secret-' . bin2hex(random_bytes(6));
    $errors = [];
    $saved = plugin_form_update(s3_instance(), plugin_form_values(['secret-access-key' => $wrong]), $errors);
    Suite::same(false, $saved, 'the save is refused');
    Suite::contains('the access key ID or secret is wrong', (string) ($errors['err'] ?? ''),
        'the form says what is wrong');
    Suite::check(isset($errors['secret-access-key']), 'the error is on the secret field', json_encode($errors));
    Suite::check(strpos(json_encode($errors), $wrong) === false, 'the typed secret is not echoed');
    Suite::same($before, stored_config(), 'the saved settings are unchanged');
    Suite::check(instance_enabled_in_db(), 'the instance stays enabled');
});

test('config form: a good configuration saves, the secret encrypted with SECRET_SALT', function () {
    $errors = [];
    $saved = plugin_form_update(s3_instance(), plugin_form_values(['url-ttl' => '1800']), $errors);
    Suite::same(true, $saved, 'the save succeeds');
    Suite::same([], $errors, 'no errors');
    $stored = stored_config();
    Suite::same('1800', $stored['url-ttl'] ?? null, 'the new value is stored');
    Suite::same(env('OST_S3_FOLDER'), $stored['folder'] ?? null, 'the folder is stored');
    $secret = (string) ($stored['secret-access-key'] ?? '');
    Suite::check($secret !== '' && strpos($secret, env('S3_TEST_SECRET_KEY')) === false,
        'the secret is not stored in clear');
    Suite::same(env('S3_TEST_SECRET_KEY'), Crypto::decrypt($secret, SECRET_SALT, S3NativeStorageConfig::SECRET_SUBKEY),
        'the stored secret decrypts with osTicket\'s key');
});

test('config form: saving with the secret left empty keeps the saved secret', function () {
    $before = stored_config()['secret-access-key'] ?? null;
    $errors = [];
    $saved = plugin_form_update(s3_instance(), plugin_form_values(['secret-access-key' => '']), $errors);
    Suite::same(true, $saved, 'the save succeeds (the access check used the saved secret)');
    Suite::same([], $errors, 'no errors');
    Suite::same($before, stored_config()['secret-access-key'] ?? null, 'the saved secret is kept');
    Suite::same('3600', stored_config()['url-ttl'] ?? null, 'the other values are saved');
});

test('config form: Add New Instance refused (wrong secret): osTicket keeps the instance, disabled, without settings', function () {
    $plugin = s3_plugin();
    $before = count($plugin->getInstances());
    $errors = [];
    $added = plugin_form_add_instance($plugin, plugin_form_values(['name' => 'refused instance',
        'secret-access-key' => 'wrong-' . bin2hex(random_bytes(6))]), $errors);
    Suite::contains('the access key ID or secret is wrong', (string) ($errors['err'] ?? ''), 'the form says what is wrong');
    Suite::check($added instanceof PluginInstance, 'yet osTicket returns the instance it saved before the settings');
    if ($added instanceof PluginInstance) {
        $row = rows('SELECT flags FROM ' . PLUGIN_INSTANCE_TABLE . ' WHERE id=' . db_input($added->getId()));
        Suite::same(1, count($row), 'it is in the database');
        Suite::same(0, ((int) ($row[0]['flags'] ?? 1)) & PluginInstance::FLAG_ENABLED, 'disabled');
        Suite::same(0, (int) rows('SELECT COUNT(*) AS n FROM ' . CONFIG_TABLE . ' WHERE namespace='
            . db_input($added->getNamespace()))[0]['n'], 'with no settings');
        $added->delete();
    }
    $run = manage('file', 'backends');
    Suite::contains('3 -- S3 (', $run['out'], 'the configured instance still registers backend 3');
    Suite::same($before, count(PluginInstance::objects()->filter(['plugin_id' => $plugin->getId()])), 'the refused one is deleted again');
});

test('system log: a problem found while osTicket bootstraps the plugin reaches it (a web page, no bucket saved)', function () {
    // Plugins bootstrap inside osTicket::start(), before main.inc.php
    // assigns $ost; the entry is written at the end of the request.
    // (manage.php's modules never assign $ost: there it goes to PHP's log.)
    $where = ' WHERE namespace=' . db_input(s3_instance()->getNamespace()) . " AND `key`='bucket'";
    $bucket = rows('SELECT value FROM ' . CONFIG_TABLE . $where)[0]['value'];
    $before = (int) rows('SELECT MAX(log_id) m FROM ' . SYSLOG_TABLE)[0]['m'];
    db_query('UPDATE ' . CONFIG_TABLE . " SET value=''" . $where);
    try {
        $page = http_request('GET', env('OST_URL') . '/index.php');
    } finally {
        db_query('UPDATE ' . CONFIG_TABLE . ' SET value=' . db_input($bucket) . $where);
    }
    Suite::same(200, $page['status'], 'the page is served');
    $ours = rows('SELECT log FROM ' . SYSLOG_TABLE . ' WHERE log_id > ' . $before
        . " AND log LIKE '%has no bucket configured%'");
    Suite::same(1, count($ours), 'one entry in the system log saying no bucket is configured');
});
