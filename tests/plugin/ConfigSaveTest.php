<?php
/*
 * Saving the plugin's configuration page (PluginInstance::update in the test
 * double): field validation, then a real write/read/delete probe against
 * the store, each failure shown on the field to change, with the fix.
 */

class ConfigSaveTest extends PluginTestCase
{
    /** @var S3NativeStoragePlugin */
    private $plugin;
    /** @var PluginInstance */
    private $instance;

    protected function setUp(): void
    {
        parent::setUp();
        $this->plugin = new S3NativeStoragePlugin(self::PLUGIN_ID, self::manifest(), 'plugins/s3-native');
        PluginManager::install($this->plugin);
        $this->newInstance();
    }

    private function newInstance(): void
    {
        $this->instance = new PluginInstance($this->plugin, 1, 'S3');
        $this->plugin->instances = [$this->instance];
    }

    /** Submits the config page; returns the errors osTicket would show. */
    private function save(array $overrides = []): array
    {
        $errors = [];
        $this->instance->update($this->settingsValues($overrides), $errors);
        return $errors;
    }

    private function fieldErrors(): array
    {
        return $this->instance->getConfig()->getForm()->fieldErrors();
    }

    private function storedRows(): array
    {
        return ConfigStore::$rows[$this->instance->getNamespace()] ?? [];
    }

    public function test_valid_settings_are_saved(): void
    {
        $errors = $this->save(['folder' => '/' . $this->folder . '/']);

        $this->assertSame([], $errors);
        $rows = $this->storedRows();
        $this->assertSame(self::bucket(), $rows['bucket']);
        $this->assertSame($this->folder, $rows['folder'], 'folder stored without stray slashes');
    }

    public function test_http_endpoint_is_saved_with_a_warning_banner(): void
    {
        // The test server is plain http://: the check warns (what travels in
        // clear), and the warning does not stop the save.
        $this->assertStringStartsWith('http://', self::env('S3_TEST_ENDPOINT'));

        $errors = $this->save();

        $this->assertSame([], $errors);
        $this->assertSame(self::bucket(), $this->storedRows()['bucket'] ?? null, 'saved despite the warning');
        $warnings = array_values(array_filter(Messages::$queued, function ($m) {
            return $m['level'] === 'warning';
        }));
        $this->assertNotEmpty($warnings, 'checkAccess() warnings are shown to the admin');
        $this->assertMatchesRegularExpression('/http:|clear|unencrypted|TLS|HTTPS/i', $warnings[0]['message']);
        $this->assertStringNotContainsString(self::env('S3_TEST_SECRET_KEY'), json_encode(Messages::$queued));
    }

    public function test_saved_secret_is_encrypted_at_rest(): void
    {
        $this->save();

        $stored = $this->storedRows()['secret-access-key'];
        $this->assertNotSame(self::env('S3_TEST_SECRET_KEY'), $stored);
        $this->assertStringNotContainsString(self::env('S3_TEST_SECRET_KEY'), json_encode(ConfigStore::$rows));
        $this->assertSame(self::env('S3_TEST_SECRET_KEY'),
            Crypto::decrypt($stored, SECRET_SALT, S3NativeStorageConfig::SECRET_SUBKEY));
    }

    public function test_leaving_secret_empty_keeps_the_saved_secret(): void
    {
        $this->save();
        $before = $this->storedRows()['secret-access-key'];
        $this->newInstance();

        $errors = $this->save(['secret-access-key' => '', 'folder' => $this->folder . '-2']);

        $this->assertSame([], $errors);
        $this->assertSame($before, $this->storedRows()['secret-access-key']);
        $this->assertSame($this->folder . '-2', $this->storedRows()['folder']);
    }

    public function test_save_probe_leaves_no_object_behind(): void
    {
        $this->save();

        $this->assertSame([], store_keys($this->folder . '/'));
    }

    public function test_wrong_secret_is_reported_as_denied_with_fix(): void
    {
        $errors = $this->save(['secret-access-key' => 'definitely-not-the-secret']);

        $this->assertArrayHasKey('err', $errors);
        $this->assertStringContainsString('Fix:', $errors['err']);
        $this->assertStringContainsString('secret', $errors['err']);
        $this->assertStringNotContainsString('definitely-not-the-secret', json_encode($errors));
        $this->assertSame([], $this->storedRows(), 'nothing saved');
    }

    public function test_read_only_credentials_are_reported_as_denied_write(): void
    {
        $errors = $this->save([
            'aws-key-id' => self::env('S3_TEST_READONLY_ACCESS_KEY'),
            'secret-access-key' => self::env('S3_TEST_READONLY_SECRET_KEY'),
        ]);

        $this->assertArrayHasKey('err', $errors);
        $this->assertStringContainsString('Fix:', $errors['err']);
        $this->assertSame([], $this->storedRows());
    }

    public function test_a_bucket_and_folder_too_long_for_the_attrs_column_are_refused_before_the_store_is_asked(): void
    {
        // A legacy bucket name (up to 255 characters) leaves less room for
        // the folder in ost_file.attrs, a varchar(255).
        $errors = $this->save(['bucket' => str_repeat('b', 100), 'folder' => str_repeat('f', 150)]);

        $folderErrors = $this->fieldErrors()['folder'] ?? [];
        $this->assertStringContainsString('Shorten the folder', implode(' ', (array) $folderErrors), json_encode($errors));
        $this->assertStringContainsString('these two take 275 characters', implode(' ', (array) $folderErrors));
        $this->assertSame([], $this->storedRows());
    }

    public function test_missing_bucket_is_reported_on_the_bucket_field(): void
    {
        $errors = $this->save(['bucket' => 'no-such-bucket-' . bin2hex(random_bytes(4))]);

        $this->assertArrayHasKey('bucket', $this->fieldErrors(), json_encode($errors));
        $this->assertStringContainsString('does not exist', $errors['err']);
    }

    public function test_unreachable_endpoint_is_reported_on_the_endpoint_field(): void
    {
        $started = microtime(true);
        $errors = $this->save(['endpoint' => 'http://127.0.0.1:' . self::closedPort()]);

        $this->assertArrayHasKey('endpoint', $this->fieldErrors(), json_encode($errors));
        $this->assertStringContainsString('cannot reach', $errors['err']);
        $this->assertLessThan(30, microtime(true) - $started, 'the check must not hang');
    }

    public function test_invalid_endpoint_url_is_reported_as_a_configuration_error(): void
    {
        $errors = $this->save(['endpoint' => 'not a url']);

        $this->assertArrayHasKey('err', $errors);
        $this->assertArrayHasKey('endpoint', $this->fieldErrors(), json_encode($errors));
    }

    public function test_key_id_without_secret_is_rejected_before_any_request(): void
    {
        $errors = $this->save(['secret-access-key' => '']);

        $this->assertArrayHasKey('secret-access-key', $this->fieldErrors());
        $this->assertStringContainsString('Enter the secret', $errors['err']);
    }

    public function test_secret_without_key_id_is_rejected(): void
    {
        $this->save(['aws-key-id' => '']);

        $this->assertArrayHasKey('aws-key-id', $this->fieldErrors());
    }

    public function test_kms_key_without_kms_encryption_is_rejected(): void
    {
        $this->save(['sse' => 'AES256', 'sse-kms-key-id' => 'arn:aws:kms:us-east-1:1:key/x']);

        $this->assertArrayHasKey('sse', $this->fieldErrors());
    }

    public function test_url_ttl_beyond_seven_days_is_rejected(): void
    {
        $this->save(['url-ttl' => '604801']);

        $this->assertArrayHasKey('url-ttl', $this->fieldErrors());
    }

    public function test_secret_starting_with_plus_reaches_the_server(): void
    {
        // osTicket's default text validation refuses values starting with
        // "+"; AWS secrets can. Only the server may reject this one.
        $errors = $this->save(['secret-access-key' => '+' . self::env('S3_TEST_SECRET_KEY')]);

        $this->assertStringContainsString('Fix:', $errors['err'] ?? '', 'the server refused it');
        $this->assertStringNotContainsString('cannot start with', json_encode($this->fieldErrors()));
    }

    public function test_empty_keys_use_the_server_aws_credential_chain(): void
    {
        putenv('AWS_ACCESS_KEY_ID=' . self::env('S3_TEST_ACCESS_KEY'));
        putenv('AWS_SECRET_ACCESS_KEY=' . self::env('S3_TEST_SECRET_KEY'));
        try {
            $errors = $this->save(['aws-key-id' => '', 'secret-access-key' => '']);
        } finally {
            putenv('AWS_ACCESS_KEY_ID');
            putenv('AWS_SECRET_ACCESS_KEY');
        }

        $this->assertSame([], $errors);
        $this->assertArrayNotHasKey('secret-access-key', $this->storedRows());
    }

    public function test_new_instance_is_prefilled_from_official_plugin_settings(): void
    {
        $this->installOfficialPlugin();

        $defaults = $this->plugin->getNewInstanceDefaults([]);

        $this->assertSame(self::bucket(), $defaults['bucket']);
        $this->assertSame('official-folder', $defaults['folder']);
        $this->assertSame('us-east-1', $defaults['aws-region']);
        $this->assertSame('', $defaults['acl']);
        $this->assertSame(self::env('S3_TEST_ACCESS_KEY'), $defaults['aws-key-id']);
        $this->assertArrayNotHasKey('secret-access-key', $defaults, 'secrets are never put in a form');
    }

    public function test_official_plugin_secret_is_reused_when_its_key_id_is_kept(): void
    {
        $this->installOfficialPlugin();

        $errors = $this->save(['secret-access-key' => '']);

        $this->assertSame([], $errors);
        $this->assertSame(self::env('S3_TEST_SECRET_KEY'), Crypto::decrypt(
            $this->storedRows()['secret-access-key'], SECRET_SALT, S3NativeStorageConfig::SECRET_SUBKEY));
    }

    /** The official plugin, installed and configured as its own form stores settings. */
    private function installOfficialPlugin(): void
    {
        $official = new Plugin(self::OFFICIAL_PLUGIN_ID, ['id' => 'storage:s3',
            'name' => 'Attachments hosted in Amazon S3'], 'plugins/storage-s3', false);
        $instance = new PluginInstance($official, 1, 'S3', true);
        $official->instances[] = $instance;
        PluginManager::install($official);
        $namespace = $instance->getNamespace();
        ConfigStore::$rows[$namespace] = [
            'bucket' => self::bucket(),
            'folder' => 'official-folder',
            'aws-region' => json_encode(['us-east-1' => 'US East (N. Virginia)']),
            'acl' => json_encode(['' => 'Use Bucket Default']),
            'aws-key-id' => self::env('S3_TEST_ACCESS_KEY'),
            'secret-access-key' => Crypto::encrypt(self::env('S3_TEST_SECRET_KEY'), SECRET_SALT, $namespace),
        ];
    }

    /**
     * Stores fault_proxy emulates, each with the Integrity check that fails
     * there, what the message must name, and the choice that then saves.
     *
     * @return array<string, array{string, string, string, string}>
     */
    public static function storesAndTheirIntegrityCheck(): array
    {
        return [
            'refuses checksum headers (B2)' => ['--reject-checksum-headers', 'crc32c', 'MD5 (Content-MD5)', 'md5'],
            'wrong multipart CRC32C (moto)' => ['--wrong-multipart-checksum', 'crc32c', 'MD5 (Content-MD5)', 'md5'],
            'ETags that are not MD5s (SSE-C, encrypting stores)' => ['--etag-not-md5', 'md5', '"CRC32C"', 'crc32c'],
        ];
    }

    /** @dataProvider storesAndTheirIntegrityCheck */
    public function test_the_save_check_names_the_integrity_check_that_works_on_the_store(string $proxyMode,
            string $wrong, string $named, string $right): void
    {
        $proxy = new FaultProxy($proxyMode);
        try {
            $errors = $this->save(['endpoint' => $proxy->endpoint(), 'path-style' => true, 'checksums' => $wrong]);
            $this->assertArrayHasKey('checksums', $this->fieldErrors(), json_encode($errors));
            $this->assertStringContainsString('"Integrity check"', $errors['err'] ?? '');
            $this->assertStringContainsString($named, $errors['err'] ?? '', 'the choice that works is named');
            if ($proxyMode === '--reject-checksum-headers') {
                $this->assertStringContainsString('Unsupported header', $errors['err'], "the store's own error");
            }
            $this->assertSame([], $this->storedRows(), 'nothing saved');

            $this->newInstance();
            $errors = $this->save(['endpoint' => $proxy->endpoint(), 'path-style' => true, 'checksums' => $right]);
            $this->assertSame([], $errors);
            // osTicket stores a choice as JSON {key: label}.
            $this->assertSame([$right], array_keys(json_decode($this->storedRows()['checksums'] ?? '{}', true)));
        } finally {
            $proxy->stop();
        }
    }
}
