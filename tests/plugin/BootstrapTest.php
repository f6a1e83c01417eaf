<?php
/*
 * The plugin inside osTicket's request bootstrap: what it registers, that
 * its backend matches osTicket's base class exactly, and how it behaves
 * when the extension is missing, the official S3 plugin is also active, or
 * this plugin is installed twice.
 */

/** Stand-in for the official plugin's backend class, for the registry only. */
class S3StorageBackend extends FileStorageBackend
{
}

class BootstrapTest extends PluginTestCase
{
    public function test_bootstrap_registers_backend_char_3(): void
    {
        $this->installPlugin();

        $this->assertSame('S3NativeStorageBackend', FileStorageBackend::allRegistered(true)['3'] ?? null);
        $this->assertSame('3', (string) FileStorageBackend::lookup('3')->getBkChar());
    }

    public function test_backends_listing_shows_bucket_and_folder(): void
    {
        $this->installPlugin();
        $cli = new FileManageCommand();

        $cli->backends();

        $this->assertStringContainsString(sprintf("3 -- S3 (%s/%s) (S3NativeStorageBackend)\n",
            self::bucket(), $this->folder), $cli->stdout);
    }

    public function test_bootstrap_captures_config_before_osticket_clears_it(): void
    {
        $plugin = $this->installPlugin();

        $this->assertNull($plugin->config, 'osTicket clears side-loaded config after bootstrap');
        $this->createFile('still configured');
    }

    public function test_backend_method_signatures_match_osticket_base_class(): void
    {
        $base = new ReflectionClass(FileStorageBackend::class);
        $ours = new ReflectionClass(S3NativeStorageBackend::class);

        foreach ($ours->getMethods() as $method) {
            if ($method->getDeclaringClass()->getName() !== S3NativeStorageBackend::class
                    || !$base->hasMethod($method->getName())) {
                continue;
            }
            $parent = $base->getMethod($method->getName());
            $this->assertSame(self::signature($parent), self::signature($method),
                $method->getName() . '() must keep the base signature');
        }
    }

    public function test_backend_constructor_accepts_null_meta(): void
    {
        $this->installPlugin();

        $bk = new S3NativeStorageBackend(null);

        $this->assertNull($bk->meta);
        $this->assertFalse($bk->getHashDigest('crc32c'));
        $this->assertFalse($bk->getSize());
    }

    public function test_plugin_allows_a_single_instance(): void
    {
        $plugin = new S3NativeStoragePlugin(self::PLUGIN_ID, self::manifest(), 'plugins/s3-native');

        $this->assertFalse($plugin->isMultiInstance());
    }

    public function test_manifest_names_own_id_osticket_version_and_entry_point(): void
    {
        $manifest = self::manifest();

        $this->assertSame('storage:s3-native', $manifest['id']);
        $this->assertSame('1.17', $manifest['ost_version']);
        [$file, $class] = explode(':', $manifest['plugin']);
        $this->assertFileExists(self::PLUGIN_DIR . '/' . $file);
        $this->assertTrue(is_subclass_of($class, Plugin::class));
        $this->assertTrue(is_subclass_of((new $class(1, $manifest, 'x'))->config_class, PluginConfig::class));
    }

    public function test_missing_extension_registers_nothing_and_logs_one_error(): void
    {
        $tmp = $this->temporaryDirectory();

        $first = self::requestWithoutExtension($tmp);
        $second = self::requestWithoutExtension($tmp);

        $this->assertFalse($first['extension']);
        $this->assertSame(['D' => 'AttachmentChunkedData'], $first['registered']);
        $this->assertCount(1, $first['logs']);
        $this->assertSame('error', $first['logs'][0]['level']);
        $this->assertStringContainsString('s3_attachments PHP extension is not loaded', $first['logs'][0]['message']);
        $this->assertSame([], $second['logs'], 'logged at most once an hour, not on every request');
    }

    public function test_plugin_files_load_without_notices_or_deprecations(): void
    {
        $command = sprintf('%s -d error_reporting=-1 -d display_errors=stderr -d extension=%s %s --load-backend 2>&1',
            escapeshellarg(PHP_BINARY), escapeshellarg(self::loadedExtensionPath()),
            escapeshellarg(__DIR__ . '/fixtures/bootstrap-request.php'));

        $output = (string) shell_exec($command);

        $result = json_decode($output, true);
        $this->assertIsArray($result, "unexpected output: $output");
        $this->assertSame('S3NativeStorageBackend', $result['registered']['3'] ?? null);
        $this->assertSame([], $result['logs']);
    }

    public function test_plugin_without_bucket_registers_nothing_and_says_why(): void
    {
        $this->installPlugin(['bucket' => '']);

        $this->assertFalse(FileStorageBackend::isRegistered('3'));
        $this->assertStringContainsString('no bucket', self::systemLog('error')[0]['message'] ?? '');
    }

    public function test_conflict_with_official_plugin_loaded_first_is_logged_with_fix(): void
    {
        $this->installOfficialPlugin(true);
        FileStorageBackend::register('3', 'S3StorageBackend'); // it bootstrapped before us

        $this->installPlugin();

        $errors = self::systemLog('error');
        $this->assertCount(1, $errors);
        $this->assertStringContainsString('S3StorageBackend was registered first', $errors[0]['message']);
        $this->assertStringContainsString('disable the official plugin', $errors[0]['message']);
    }

    public function test_conflict_with_official_plugin_loaded_later_is_logged(): void
    {
        $this->installOfficialPlugin(true);
        $this->installPlugin();

        $this->assertStringContainsString('disable the official plugin', self::systemLog('error')[0]['message'] ?? '');
    }

    public function test_disabled_official_plugin_is_no_conflict(): void
    {
        $this->installOfficialPlugin(false);
        $this->installPlugin();

        $this->assertSame([], self::systemLog('error'));
    }

    public function test_second_copy_of_the_plugin_declares_nothing_and_says_which_to_delete(): void
    {
        // The folder and the .phar both installed: osTicket includes each
        // copy's storage.php in the same request.
        $copy = $this->temporaryDirectory();
        foreach (['storage.php', 'plugin.php'] as $file) {
            copy(dirname(__DIR__, 2) . "/php/$file", "$copy/$file");
        }
        $first = (new ReflectionClass('S3NativeStoragePlugin'))->getFileName();

        require "$copy/storage.php";
        require "$copy/storage.php";

        $this->assertSame($first, (new ReflectionClass('S3NativeStoragePlugin'))->getFileName(),
            'the first copy\'s classes stay');
        $errors = self::systemLog('error');
        $this->assertCount(1, $errors, 'said once, not on every include');
        $this->assertStringContainsString(sprintf('installed twice, from %s and from %s',
            dirname($first), realpath($copy)), $errors[0]['message']);
        $this->assertStringContainsString('Admin Panel > Manage > Plugins, delete the one you do not keep',
            $errors[0]['message']);
    }

    private function installOfficialPlugin(bool $active): void
    {
        $official = new Plugin(self::OFFICIAL_PLUGIN_ID, ['id' => 'storage:s3'], 'plugins/storage-s3', $active);
        $official->instances[] = new PluginInstance($official, 1, 'S3', true);
        PluginManager::install($official);
    }

    private static function requestWithoutExtension(string $tmp): array
    {
        $command = sprintf('TMPDIR=%s %s -n %s 2>&1', escapeshellarg($tmp), escapeshellarg(PHP_BINARY),
            escapeshellarg(__DIR__ . '/fixtures/bootstrap-request.php'));
        $output = (string) shell_exec($command);
        $result = json_decode($output, true);
        if (!is_array($result)) {
            throw new RuntimeException("unexpected output: $output");
        }
        return $result;
    }

    /** The extension file this PHP loaded, from the process's memory map. */
    private static function loadedExtensionPath(): string
    {
        foreach (file('/proc/self/maps') as $line) {
            if (preg_match('#\s(/\S*s3_attachments\S*\.so)$#', trim($line), $m)) {
                return $m[1];
            }
        }
        throw new RuntimeException('cannot find the loaded s3_attachments extension file');
    }

    /** A method's parameters as osTicket's loader compares them: names, defaults, by-ref. */
    private static function signature(ReflectionMethod $method): array
    {
        $params = [];
        foreach ($method->getParameters() as $p) {
            $params[] = [
                'name' => $p->getName(),
                'optional' => $p->isOptional(),
                'default' => $p->isDefaultValueAvailable() ? var_export($p->getDefaultValue(), true) : null,
                'byRef' => $p->isPassedByReference(),
                'type' => (string) $p->getType(),
            ];
        }
        return ['static' => $method->isStatic(), 'params' => $params,
            'return' => (string) $method->getReturnType()];
    }
}
