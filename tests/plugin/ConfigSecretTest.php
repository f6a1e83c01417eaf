<?php
/*
 * The secret access key, once saved, is never shown again: not in the config
 * page osTicket renders (right after Save, in that POST request, or on a
 * later visit), not in a dump of the plugin's config object, not in the
 * system log, and not after a save that failed.
 *
 * Rendering is the test double's model of osTicket's form template and
 * widgets (tests/plugin/osticket-double/forms.php); var_export and print_r
 * show every property, private ones included.
 */

class ConfigSecretTest extends PluginTestCase
{
    /** @var S3NativeStoragePlugin */
    private $plugin;

    protected function setUp(): void
    {
        parent::setUp();
        $this->plugin = new S3NativeStoragePlugin(self::PLUGIN_ID, self::manifest(), 'plugins/s3-native');
        PluginManager::install($this->plugin);
    }

    private static function secret(): string
    {
        return self::env('S3_TEST_SECRET_KEY');
    }

    /** The instance's objects as a new request sees them (config read from the saved rows). */
    private function instanceInNewRequest(): PluginInstance
    {
        Request::reset();
        $instance = new PluginInstance($this->plugin, 1, 'S3');
        $this->plugin->instances = [$instance];
        $this->plugin->config = null;
        return $instance;
    }

    /** Submits the config page in this request; returns the errors osTicket would show. */
    private function save(PluginInstance $instance, array $overrides = []): array
    {
        $errors = [];
        $instance->update($this->settingsValues($overrides), $errors);
        return $errors;
    }

    /** The config page's form as osTicket renders it in the current request. */
    private static function rendered(PluginInstance $instance): string
    {
        ob_start();
        try {
            $instance->getForm()->render();
        } finally {
            $html = (string) ob_get_clean();
        }
        return $html;
    }

    /** Everything PHP's dumps show of an object (var_export cuts the circular references, with a warning). */
    private static function dumps($object): string
    {
        return @var_export($object, true) . "\n" . print_r($object, true);
    }

    private static function everyLogEntry(): string
    {
        return print_r($GLOBALS['ost']->logs, true);
    }

    private function assertNotShown(string $secret, string $text, string $where): void
    {
        // Not assertStringNotContainsString: its failure message would print the secret.
        $this->assertNotSame('', $secret);
        $this->assertFalse(strpos($text, $secret) !== false, "the secret is shown in $where");
        $this->assertFalse(strpos(html_entity_decode($text, ENT_QUOTES | ENT_HTML5), $secret) !== false,
            "the secret is shown, HTML-escaped, in $where");
    }

    /** Guards against a vacuous pass: the page really shows the saved settings. */
    private function assertShowsTheSavedSettings(string $html): void
    {
        $this->assertStringContainsString('name="secret-access-key"', $html, 'the secret field is on the page');
        $this->assertStringContainsString('value="' . self::env('S3_TEST_ACCESS_KEY') . '"', $html,
            'the saved key ID is shown in its field');
    }

    public function test_config_page_rendered_after_save_never_shows_the_secret(): void
    {
        $instance = $this->instanceInNewRequest();
        $this->assertSame([], $this->save($instance));

        $afterSave = self::rendered($instance);
        $laterVisit = self::rendered($this->instanceInNewRequest());

        $this->assertShowsTheSavedSettings($afterSave);
        $this->assertNotShown(self::secret(), $afterSave, 'the page rendered in the POST request of the save');
        $this->assertShowsTheSavedSettings($laterVisit);
        $this->assertNotShown(self::secret(), $laterVisit, 'the config page on a later visit');
    }

    public function test_config_object_dump_never_shows_the_secret(): void
    {
        $this->save($this->instanceInNewRequest());
        $instance = $this->instanceInNewRequest();
        $config = $instance->getConfig();
        self::rendered($instance); // the form, filled from the saved configuration, is now part of it

        $this->assertNotShown(self::secret(), self::dumps($config), 'var_export/print_r of the config object');
        $this->assertNotShown(self::secret(), self::dumps($instance), 'var_export/print_r of the plugin instance');
        $settings = S3Native\Settings::fromConfig($config);
        $this->assertSame(self::secret(), $settings->secretAccessKey(), 'the plugin still reads the saved secret');
        $this->assertNotShown(self::secret(), self::dumps($settings), 'var_export/print_r of the captured settings');
    }

    public function test_failed_save_with_a_wrong_secret_shows_neither_secret(): void
    {
        $this->save($this->instanceInNewRequest());
        $wrong = 'Wr0ngSecretTypedByTheAdmin/' . bin2hex(random_bytes(8));
        $instance = $this->instanceInNewRequest();

        $errors = $this->save($instance, ['secret-access-key' => $wrong]);
        $page = self::rendered($instance);

        $this->assertStringContainsString('Fix:', $errors['err'] ?? '', 'the save failed');
        $this->assertShowsTheSavedSettings($page);
        foreach (['saved' => self::secret(), 'typed' => $wrong] as $which => $secret) {
            $this->assertNotShown($secret, print_r($errors, true), "the errors ($which secret)");
            $this->assertNotShown($secret, $page, "the page rendered after the failed save ($which secret)");
            $this->assertNotShown($secret, self::everyLogEntry(), "the system log ($which secret)");
        }
        // The typed value is this request's input and lives in its form;
        // the saved secret must not be anywhere in the config object.
        $this->assertNotShown(self::secret(), self::dumps($instance->getConfig()),
            'var_export/print_r of the config object after the failed save');
        $this->assertSame(self::secret(), Crypto::decrypt(ConfigStore::$rows[$instance->getNamespace()]['secret-access-key'],
            SECRET_SALT, S3NativeStorageConfig::SECRET_SUBKEY), 'the saved secret is kept');
    }

    public function test_storage_failures_in_the_system_log_never_show_the_secret(): void
    {
        // A configured secret the store refuses: every storage call fails and is logged.
        $secret = 'RefusedSecret+' . bin2hex(random_bytes(12));
        $this->installPlugin(['secret-access-key' => $secret]);
        $inDatabase = $this->createDatabaseFile('to be moved', 'move.txt');

        $info = ['name' => 'new.txt', 'type' => 'text/plain', 'data' => 'new'];
        $stored = AttachmentFile::create($info);
        $migrate = new FileManageCommand();
        $migrate->migrate('3', 'D');
        $inS3 = new AttachmentFile(['key' => AttachmentFile::generateKey(), 'name' => 'gone.txt', 'size' => 3,
            'bk' => '3', 'attrs' => json_encode(['bucket' => self::bucket(), 'folder' => $this->folder])]);
        $inS3->save();
        try {
            AttachmentFile::lookup($inS3->id)->getData();
        } catch (RequestEnded $notFound) {
        }

        $this->assertSame('D', $stored->bk, 'the upload failed');
        $this->assertSame('D', AttachmentFile::lookup($inDatabase->id)->bk, 'the migration failed');
        $this->assertGreaterThanOrEqual(2, count(self::systemLog('error')), 'every failure in a request was logged');
        // manage.php runs without the system log: PHP's error log (stderr) has its failure.
        $this->assertStringContainsString('move.txt', $migrate->phpErrorLog, 'the migration\'s failure was logged');
        $this->assertNotShown($secret, self::everyLogEntry(), 'the system log');
        $this->assertNotShown($secret, $migrate->phpErrorLog, 'what manage.php wrote to PHP\'s error log');
    }

    public function test_without_the_plugins_secret_box_the_page_fails_closed(): void
    {
        // As if lib/SecretWidget.php could not be loaded (e.g. osTicket
        // renamed PasswordWidget): osTicket's stock box would echo the
        // secret posted with Save back into the page.
        S3NativeStorageConfig::$secretWidget = 'NoSuchS3NativeSecretWidget';
        try {
            $instance = $this->instanceInNewRequest();
            Request::submit($this->settingsValues());
            $errors = $this->save($instance);
            $page = self::rendered($instance);
        } finally {
            S3NativeStorageConfig::$secretWidget = 'S3NativeSecretWidget';
        }

        $this->assertNotShown(self::secret(), $page, 'the page rendered after Save without the secret box');
        $this->assertNotShown(self::secret(), print_r($errors, true), 'the errors');
        $this->assertStringNotContainsString('name="secret-access-key"', $page, 'no box to type a secret into');
        $this->assertStringContainsString('cannot be entered on this page', $page, 'the page says why');
        $this->assertStringContainsString('cannot be entered on this page', $errors['err'] ?? '',
            'saving says why instead of asking for a secret that cannot be typed');
        $this->assertSame([], ConfigStore::$rows[$instance->getNamespace()] ?? [], 'nothing saved');
    }
}
