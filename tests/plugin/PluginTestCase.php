<?php
/*
 * Common set-up for the plugin tests: a fresh osTicket test double per test,
 * the plugin installed and bootstrapped against the local S3 server, each
 * test writing under its own folder.
 */

use PHPUnit\Framework\TestCase;

abstract class PluginTestCase extends TestCase
{
    const PLUGIN_ID = 7;
    const OFFICIAL_PLUGIN_ID = 3;
    const PLUGIN_DIR = __DIR__ . '/../../php';

    /** @var string unique per test run */
    private static $runId;

    /** @var string folder this test's plugin configuration writes to */
    protected $folder;
    /** @var array<int, array{0: string, 1: string}> [bucket, object key] to remove after the test */
    private $cleanup = [];
    /** @var string[] temporary directories to remove after the test */
    private $temporaryDirectories = [];
    /** @var RecordingHttpExchange the request downloads answer (set when the plugin boots) */
    protected $http;

    protected function setUp(): void
    {
        osticket_double_reset();
        if (self::$runId === null) {
            self::$runId = date('Ymd-His') . '-' . bin2hex(random_bytes(3));
        }
        $this->folder = 'plugin-tests/' . self::$runId . '/' . $this->getName(false);
        // The plugin logs bootstrap problems once an hour per helpdesk; each
        // test is a helpdesk of its own.
        S3Native\SystemLog::$markerDirectory = $this->temporaryDirectory();
    }

    protected function tearDown(): void
    {
        foreach ($this->cleanup as [$bucket, $key]) {
            try {
                $this->native($bucket)->delete($key);
            } catch (Throwable $ignored) {
            }
        }
        S3Native\SystemLog::$markerDirectory = null;
        foreach ($this->temporaryDirectories as $dir) {
            array_map('unlink', glob("$dir/*") ?: []);
            @rmdir($dir);
        }
    }

    /** An empty directory, removed after the test. */
    protected function temporaryDirectory(): string
    {
        $dir = sys_get_temp_dir() . '/s3-native-test-' . bin2hex(random_bytes(6));
        mkdir($dir);
        $this->temporaryDirectories[] = $dir;
        return $dir;
    }

    protected static function env(string $name): string
    {
        return (string) getenv($name);
    }

    protected static function bucket(): string
    {
        return self::env('S3_TEST_BUCKET');
    }

    /** Plugin form values that work against the test server. */
    protected function settingsValues(array $overrides = []): array
    {
        return test_plugin_settings($this->folder, $overrides);
    }

    /** The manifest osTicket reads from php/plugin.php. */
    protected static function manifest(): array
    {
        return include self::PLUGIN_DIR . '/plugin.php';
    }

    /**
     * Installs the plugin with a saved configuration (as rows in ost_config,
     * encoded by the form fields, secret encrypted) and runs osTicket's
     * plugin bootstrap, with S3 as the helpdesk's storage for new files.
     */
    protected function installPlugin(array $overrides = []): S3NativeStoragePlugin
    {
        $plugin = new S3NativeStoragePlugin(self::PLUGIN_ID, self::manifest(), 'plugins/s3-native');
        $instance = new PluginInstance($plugin, 1, 'S3');
        $plugin->instances[] = $instance;
        $this->storeConfigRows($instance->getNamespace(), $this->settingsValues($overrides));
        PluginManager::install($plugin);
        $this->bootstrapPlugins();
        global $cfg;
        $cfg->defaultStorageChar = '3';
        return $plugin;
    }

    /** osTicket's per-request plugin bootstrap. */
    protected function bootstrapPlugins(): void
    {
        (new PluginManager())->bootstrap();
        if (class_exists('S3NativeStorageBackend', false)) {
            S3NativeStorageBackend::useHttpExchange($this->http = new RecordingHttpExchange());
        }
    }

    /**
     * Runs a download the way file.php does, with the request headers given;
     * returns the response the plugin answered with (its body captured).
     *
     * @return array{status: int, headers: array<string, string>, body: string}
     */
    protected function answer(callable $request, array $requestHeaders = [], string $method = 'GET'): array
    {
        $this->http->method = $method;
        $this->http->request = array_change_key_case($requestHeaders, CASE_LOWER);
        ob_start();
        $this->http->captureLevel = ob_get_level();
        try {
            $request();
            $this->fail('the request did not end');
        } catch (RequestEnded $ended) {
            $status = $ended->status;
        } finally {
            $body = ob_get_clean();
            $this->http->captureLevel = 0;
        }
        return ['status' => $status, 'headers' => $this->http->headers, 'body' => $body];
    }

    /** Writes config rows the way the form would have stored them. */
    protected function storeConfigRows(string $namespace, array $values): void
    {
        $fields = (new S3NativeStorageConfig(null))->getOptions();
        foreach ($values as $key => $value) {
            if (!isset($fields[$key])) {
                continue;
            }
            try {
                ConfigStore::$rows[$namespace][$key] = $fields[$key]->to_database($value);
            } catch (FieldUnchanged $e) {
                // an empty secret is not stored
            }
        }
    }

    /** A native backend with the admin test credentials, for looking at the bucket directly. */
    protected function native(?string $bucket = null): S3AttachmentBackend
    {
        return new S3AttachmentBackend([
            'bucket' => $bucket ?? self::bucket(),
            'endpoint' => self::env('S3_TEST_ENDPOINT'),
            'region' => self::env('S3_TEST_REGION'),
            'path_style' => true,
            'access_key_id' => self::env('S3_TEST_ACCESS_KEY'),
            'secret_access_key' => self::env('S3_TEST_SECRET_KEY'),
        ]);
    }

    /** Removes this object after the test. */
    protected function cleanupLater(string $objectKey, ?string $bucket = null): void
    {
        $this->cleanup[] = [$bucket ?? self::bucket(), $objectKey];
    }

    /** Where the official plugin's layout puts a file: FOLDER/KEY. Computed here independently. */
    protected function expectedObjectKey(AttachmentFile $file, ?string $folder = null): string
    {
        $folder = $folder ?? $this->folder;
        return $folder === '' ? $file->getKey() : $folder . '/' . $file->getKey();
    }

    /** An attachment created by osTicket (one write() of the whole content, then flush()). */
    protected function createFile(string $data, string $name = 'report.bin',
            string $type = 'application/octet-stream'): AttachmentFile
    {
        $info = ['name' => $name, 'type' => $type, 'data' => $data, 'size' => strlen($data)];
        $file = AttachmentFile::create($info);
        $this->assertInstanceOf(AttachmentFile::class, $file, 'AttachmentFile::create failed');
        $this->assertSame('3', (string) $file->bk, 'the file landed in the database, not S3: '
            . json_encode($GLOBALS['ost']->logs));
        $this->cleanupLater($this->expectedObjectKey($file));
        return $file;
    }

    /**
     * A row in ost_file whose content is in the database backend, as 500 KiB
     * chunks. Made directly: osTicket's own database write() drops a last
     * chunk that is the string "0", and these tests need such files intact.
     */
    protected function createDatabaseFile(string $data, string $name = 'old.bin'): AttachmentFile
    {
        $file = new AttachmentFile(['key' => AttachmentFile::generateKey(), 'name' => $name,
            'type' => 'application/octet-stream', 'size' => strlen($data), 'bk' => 'D',
            'signature' => sha1($data)]);
        $file->save();
        AttachmentChunkedData::$chunks[$file->getId()] = str_split($data, CHUNK_SIZE);
        return $file;
    }

    /** Every byte stored for a file in the database backend. */
    protected static function databaseBytes(AttachmentFile $file): string
    {
        return implode('', AttachmentChunkedData::$chunks[$file->getId()] ?? []);
    }

    /** A file migrate moved to S3: its row on '3' with this plugin's attrs, its bytes in S3, none left in the database. */
    protected function assertMovedToS3(AttachmentFile $file, string $data, string $objectKey): void
    {
        $row = AttachmentFile::lookup($file->id);
        $this->assertSame('3', $row->bk);
        $this->assertSame(['bucket' => self::bucket(), 'folder' => $this->folder], json_decode($row->attrs, true));
        $this->assertSame(md5($data), md5($this->native()->read($objectKey)));
        $this->assertSame('', self::databaseBytes($file), 'the database copy is removed');
    }

    /** A file migrate moved to the database: its row on 'D' without attrs, exactly its bytes there, no object left in S3. */
    protected function assertMovedToDatabase(AttachmentFile $file, string $data, string $objectKey): void
    {
        $row = AttachmentFile::lookup($file->id);
        $this->assertSame('D', $row->bk);
        $this->assertNull($row->attrs);
        $this->assertSame(md5($data), md5(self::databaseBytes($file)), 'exactly the file, nothing doubled');
        $this->assertNull($this->native()->head($objectKey), 'the S3 object is deleted');
    }

    /** Deterministic, non-repeating pseudo-random bytes (AES-CTR keystream of the seed). */
    protected static function bytes(int $length, string $seed = 'seed'): string
    {
        if ($length === 0) {
            return '';
        }
        return openssl_encrypt(str_repeat("\0", $length), 'aes-128-ctr', hash('sha256', $seed, true),
            OPENSSL_RAW_DATA, str_repeat("\0", 16));
    }

    /**
     * GET a URL with PHP's curl.
     *
     * @return array{status: int, headers: array<string, string>, body: string}
     */
    protected static function fetch(string $url): array
    {
        $headers = [];
        $ch = curl_init($url);
        curl_setopt_array($ch, [
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_TIMEOUT => 30,
            CURLOPT_HEADERFUNCTION => function ($ch, $line) use (&$headers) {
                $parts = explode(':', $line, 2);
                if (count($parts) === 2) {
                    $headers[strtolower(trim($parts[0]))] = trim($parts[1]);
                }
                return strlen($line);
            },
        ]);
        $body = curl_exec($ch);
        $error = curl_error($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);
        if ($body === false) {
            throw new RuntimeException("GET $url failed: $error");
        }
        return ['status' => $status, 'headers' => $headers, 'body' => $body];
    }

    /** Plugin form values for the least-privilege test identity (object read/write only, no List). */
    protected static function limitedCredentials(array $overrides = []): array
    {
        return array_merge(limited_plugin_credentials(), $overrides);
    }

    /**
     * Submits the config page of a new instance (the plugin installed, not
     * booted): the errors osTicket would show and the settings saved.
     */
    protected function saveNewInstance(array $overrides = []): array
    {
        $plugin = new S3NativeStoragePlugin(self::PLUGIN_ID, self::manifest(), 'plugins/s3-native');
        PluginManager::install($plugin);
        $instance = new PluginInstance($plugin, 1, 'S3');
        $plugin->instances = [$instance];
        $errors = [];
        $instance->update($this->settingsValues($overrides), $errors);
        return [$errors, ConfigStore::$rows[$instance->getNamespace()] ?? []];
    }

    /**
     * Stores a file, deletes its object behind the plugin's back and reads
     * it as osTicket does: the read must end the request with a 404 and log
     * one error. Returns the file and that error.
     */
    protected function readOfADeletedObject(): array
    {
        $file = $this->createFile('soon gone');
        $this->native()->delete($this->expectedObjectKey($file));
        try {
            AttachmentFile::lookup($file->id)->getData();
            $this->fail('getData() of a missing object did not fail');
        } catch (RequestEnded $ended) {
            $this->assertSame(404, $ended->status);
        }
        $errors = self::systemLog('error');
        $this->assertCount(1, $errors);
        return [$file, $errors[0]];
    }

    /** The system log entries of one level. */
    protected static function systemLog(string $level = 'error'): array
    {
        return $GLOBALS['ost']->logsOf($level);
    }

    /** The URL a download redirected to (Http::redirect ends the request). */
    protected static function redirectUrlOf(callable $request): string
    {
        try {
            $request();
        } catch (RequestEnded $ended) {
            if ($ended->status !== 302) {
                throw new RuntimeException('expected a redirect, got: ' . $ended->getMessage());
            }
            return $ended->location;
        }
        throw new RuntimeException('the request did not end with a redirect');
    }

    /** A TCP port on 127.0.0.1 that nothing listens on. */
    protected static function closedPort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr($name, strrpos($name, ':') + 1);
    }
}
