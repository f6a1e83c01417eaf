<?php
declare(strict_types=1);

/**
 * Objects other writers left under keys we would not create (the official
 * osTicket plugin with a folder typed "a/" or "/a") are read, served and
 * deleted exactly as stored; new keys stay strictly checked.
 */
final class StoredKeysTest extends S3TestCase
{
    /** Puts bytes under an exact key with a plain signed request, as another writer would. */
    private static function putRaw(string $objectKey, string $data): void
    {
        $file = tempnam(sys_get_temp_dir(), 'raw');
        file_put_contents($file, $data);
        $path = '/' . getenv('S3_TEST_BUCKET') . '/' . implode('/', array_map('rawurlencode', explode('/', $objectKey)));
        $code = shell_exec(escapeshellarg(dirname(__DIR__, 2) . '/scripts/s3-curl.sh') . ' PUT '
            . escapeshellarg($path) . ' --data-binary ' . escapeshellarg('@' . $file) . " -o /dev/null -w '%{http_code}'");
        unlink($file);
        self::assertSame('200', $code, "raw PUT of $objectKey");
    }

    /** @dataProvider legacyShapes */
    public function test_a_stored_key_with_empty_segments_is_read_served_and_deleted(string $shape): void
    {
        $b = self::backend(['prefix' => '']);
        $key = sprintf($shape, 'stored-keys-' . bin2hex(random_bytes(4)));
        $data = self::bytes(70_000, $key);
        self::putRaw($key, $data);

        $this->assertSame(70_000, $b->head($key)['size']);
        $this->assertSame($data, $b->read($key));
        $this->assertSame(substr($data, 100, 50), $b->read($key, 100, 50));
        $this->assertSame(substr($data, 60_000), $b->openRead($key, 60_000)->read(20_000));
        ob_start();
        $b->passthru($key);
        $this->assertSame($data, ob_get_clean());
        $got = self::httpGet($b->presignGet($key));
        $this->assertSame([200, $data], [$got['status'], $got['body']]);

        $this->assertTrue($b->delete($key));
        $this->assertNull($b->head($key));
    }

    public static function legacyShapes(): array
    {
        return ['folder typed "a/"' => ['%s//KEY'], 'folder typed "/a"' => ['/%s/KEY']];
    }

    public function test_keys_we_create_stay_strict(): void
    {
        $b = self::backend();
        foreach (['a//b', '/a/b', 'a/'] as $key) {
            foreach ([fn () => $b->putString($key, 'x'), fn () => $b->createUpload($key),
                      fn () => $b->putFile($key, __FILE__), fn () => $b->objectKey($key)] as $create) {
                try {
                    $create();
                    $this->fail("$key was accepted for a new object");
                } catch (S3AttachmentConfigException $e) {
                    $this->assertMatchesRegularExpression("/empty path segment|starts with '\\/'/", $e->getMessage());
                }
            }
        }
    }

    public function test_dot_segments_stay_refused_for_stored_keys_too(): void
    {
        $b = self::backend();
        foreach (['a/../b', './a', "a\nb"] as $key) {
            try {
                $b->read($key);
                $this->fail("$key was read");
            } catch (S3AttachmentConfigException $e) {
                $this->assertSame(0, $e->getCode());
            }
        }
    }
}
