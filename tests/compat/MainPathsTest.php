<?php
// The extension's main paths (checkAccess, a small putString, multipart
// uploads from putFile and createUpload, whole, ranged and streaming reads,
// passthru into an output buffer, a presigned URL fetched with curl, head,
// delete) on every target (Target::all(): SeaweedFS, moto, and fault_proxy
// modes in front of SeaweedFS) in every checksums mode. Where a mode cannot
// work on a target, each operation must fail naming 'checksums' and 'md5'
// (a store refusing the headers: with its own error); nothing is skipped.
// Every byte read back is compared with what was written.
//
// moto checks no signature at all, so presigned URLs are fetched there too
// but prove only the bytes: signature refusals (tampered, expired, wrong
// secret) are tested on SeaweedFS (tests/extension) and not repeated here.

declare(strict_types=1);

final class MainPathsTest extends CompatTestCase
{
    private const SMALL = 70000;

    private static string $big;
    private static string $bigFile;

    public static function setUpBeforeClass(): void
    {
        self::$big = self::bytes(self::MULTIPART_SIZE, 'compat-multipart');
        self::$bigFile = (string) tempnam(sys_get_temp_dir(), 'compat');
        file_put_contents(self::$bigFile, self::$big);
    }

    public static function tearDownAfterClass(): void
    {
        @unlink(self::$bigFile);
    }

    /** Equal bytes, reported by offset rather than by a diff of megabytes. */
    private function assertSameBytes(string $expected, string $actual, string $what): void
    {
        if ($expected === $actual) {
            $this->addToAssertionCount(1);
            return;
        }
        $n = min(strlen($expected), strlen($actual));
        for ($i = 0; $i < $n && $expected[$i] === $actual[$i]; $i++) {
        }
        $this->fail(sprintf('%s: %d bytes expected, %d read, first difference at offset %d',
            $what, strlen($expected), strlen($actual), $i));
    }

    /** passthru()'s output, after checking the count it returned against what was output and expected. */
    private function passthruChecked(S3AttachmentBackend $b, string $key, ?int $offset, ?int $length, int $expected): string
    {
        [$sent, $out] = self::passthruToString($b, $key, $offset ?? 0, $length);
        $this->assertSame($expected, $sent, 'passthru() returned a count other than the bytes asked for');
        $this->assertSame(strlen($out), $sent, 'passthru() returned a count other than the bytes it output');
        return $out;
    }

    /** @dataProvider targetsAndModes */
    public function test_check_access(Target $t, string $mode): void
    {
        $b = $this->backend($t, $mode);
        $fate = $t->fate($mode);
        if ($fate !== Target::CRC32C_WORKS) {
            $this->assertFailsForChecksums($fate, 'checkAccess()', fn () => $b->checkAccess());
            return;
        }
        $result = $b->checkAccess();
        $this->assertTrue($result['ok']);
        $this->assertSame($mode, $result['checksums']);
        $this->assertSame($mode !== 'none', $result['checksum_confirmed']);
        $this->assertProxyIdle($t, $mode);
    }

    /** @dataProvider targetsAndModes */
    public function test_small_object(Target $t, string $mode): void
    {
        $b = $this->backend($t, $mode);
        $fate = $t->fate($mode);
        $data = self::bytes(self::SMALL, "small-$mode");
        $key = $this->key('small');

        if ($fate === Target::CRC32C_REFUSED) {
            $this->assertFailsForChecksums($fate, 'putString()', fn () => $b->putString($key, $data));
            $this->assertNull(self::direct($t)->head($key), 'a refused putString() stored something');
            // Reads meet objects stored before (by another mode or a migration).
            self::direct($t)->putString($key, $data);
        } else {
            $result = $b->putString($key, $data);
            $this->assertPutResult($result, $data, $mode, 'putString()');
            if ($mode === 'md5') {
                $this->assertSame(md5($data), $result['checksums']['md5'] ?? null,
                    "mode 'md5': the single PUT's ETag is the MD5 the store confirmed");
            }
            if ($mode === 'crc32c' && !$t->moto) {
                $this->assertSame(hash('crc32c', $data), $result['checksums']['crc32c'] ?? null,
                    "mode 'crc32c': SeaweedFS confirms the CRC32C");
            }
        }

        $reads = [
            'read()' => [fn () => $b->read($key), $data],
            'read(key, 1000, 5000)' => [fn () => $b->read($key, 1000, 5000), substr($data, 1000, 5000)],
            'openRead()' => [fn () => self::readStream($b, $key), $data],
            'openRead(key, 65000)' => [fn () => self::readStream($b, $key, 65000), substr($data, 65000)],
            'passthru()' => [fn () => $this->passthruChecked($b, $key, null, null, self::SMALL), $data],
            'passthru(key, 10, 20)' => [fn () => $this->passthruChecked($b, $key, 10, 20, 20), substr($data, 10, 20)],
        ];
        foreach ($reads as $what => [$read, $expected]) {
            if ($fate === Target::CRC32C_REFUSED) {
                $this->assertFailsForChecksums($fate, $what, $read);
            } else {
                $this->assertSameBytes($expected, $read(), $what);
            }
        }

        // A presigned URL carries no checksum header: it works everywhere.
        [$status, $body] = self::fetch($b->presignGet($key, ['ttl' => 300]));
        $this->assertSame(200, $status, 'presigned GET');
        $this->assertSameBytes($data, $body, 'presigned GET');

        $this->assertTrue($b->delete($key));
        $this->assertNull(self::direct($t)->head($key), 'delete() left the object');
        $this->assertTrue($b->delete($key), 'deleting an absent object');
        $this->assertProxyIdle($t, $mode);
    }

    /** @dataProvider targetsAndModes */
    public function test_head(Target $t, string $mode): void
    {
        $b = $this->backend($t, $mode);
        $fate = $t->fate($mode);
        $data = self::bytes(self::SMALL, "head-$mode");
        $key = $this->key('head');
        self::direct($t)->putString($key, $data, ['content_type' => 'image/png']);
        try {
            if ($fate === Target::CRC32C_REFUSED) {
                $this->assertFailsForChecksums($fate, 'head()', fn () => $b->head($key), false);
                $this->assertFailsForChecksums($fate, 'head() of an absent key', fn () => $b->head($key . '-absent'), false);
                return;
            }
            $head = $b->head($key);
            $this->assertSame(self::SMALL, $head['size']);
            $this->assertSame(md5($data), $head['etag'], 'a single PUT without SSE-KMS: the ETag is the MD5');
            $this->assertSame('image/png', $head['content_type']);
            $this->assertNull($b->head($key . '-absent'));
            $this->assertProxyIdle($t, $mode);
        } finally {
            self::direct($t)->delete($key);
        }
    }

    /** @dataProvider targetsAndModes */
    public function test_multipart_from_put_file(Target $t, string $mode): void
    {
        $b = $this->backend($t, $mode);
        $fate = $t->fate($mode);
        $key = $this->key('putfile');
        $objectKey = $b->objectKey($key);
        $data = self::$big;

        if ($fate === Target::CRC32C_REFUSED) {
            $this->assertFailsForChecksums($fate, 'putFile()', fn () => $b->putFile($key, self::$bigFile));
            $this->assertNull(self::direct($t)->head($key), 'a refused putFile() stored something');
            $this->assertSame(0, self::openUploads($t, $objectKey), 'a refused putFile() left its upload open');
            return;
        }

        $result = $b->putFile($key, self::$bigFile);
        $this->assertPutResult($result, $data, $mode, 'putFile()');
        $this->assertMatchesRegularExpression('/-3$/', $result['etag'], '12 MiB in 5 MiB parts: 3 parts');
        $head = $b->head($key);
        $this->assertSame(self::MULTIPART_SIZE, $head['size']);
        $this->assertSame($result['etag'], $head['etag']);

        // Whole-object reads: the store's multipart checksum is validated in crc32c mode.
        $whole = [
            'read()' => fn () => $b->read($key),
            'openRead()' => fn () => self::readStream($b, $key),
            'passthru()' => fn () => $this->passthruChecked($b, $key, null, null, self::MULTIPART_SIZE),
        ];
        foreach ($whole as $what => $read) {
            if ($fate === Target::CRC32C_WRONG_MULTIPART) {
                $this->assertFailsForChecksums($fate, "$what of a multipart object", $read);
            } else {
                $this->assertSameBytes($data, $read(), $what);
            }
        }
        if ($fate === Target::CRC32C_WRONG_MULTIPART) {
            // The bytes are intact: only the store's checksum is wrong.
            $this->assertSameBytes($data, self::direct($t)->read($key), 'read() in md5 mode');
        }

        // Ranges carry no whole-object checksum: they work in every mode.
        $boundary = self::PART - 1000;
        $this->assertSameBytes(substr($data, $boundary, 3000), $b->read($key, $boundary, 3000), 'read() across a part boundary');
        $this->assertSameBytes(substr($data, self::PART + 7), self::readStream($b, $key, self::PART + 7), 'openRead() from an offset');
        $this->assertSameBytes(substr($data, 2 * self::PART - 2048, 4096),
            $this->passthruChecked($b, $key, 2 * self::PART - 2048, 4096, 4096), 'passthru() of a range');

        [$status, $body] = self::fetch($b->presignGet($key, ['ttl' => 300]));
        $this->assertSame(200, $status, 'presigned GET');
        $this->assertSameBytes($data, $body, 'presigned GET');

        $this->assertTrue($b->delete($key));
        $this->assertNull(self::direct($t)->head($key), 'delete() left the object');
        $this->assertProxyIdle($t, $mode);
    }

    /** @dataProvider targetsAndModes */
    public function test_multipart_from_create_upload(Target $t, string $mode): void
    {
        $b = $this->backend($t, $mode);
        $fate = $t->fate($mode);
        $key = $this->key('upload');
        $objectKey = $b->objectKey($key);
        $data = self::$big;
        $upload = function () use ($b, $key, $data): array {
            $u = $b->createUpload($key, ['content_type' => 'application/pdf']);
            foreach (str_split($data, self::MIB) as $block) {
                $this->assertSame(strlen($block), $u->write($block));
            }
            $this->assertSame(strlen($data), $u->size());
            return $u->finish();
        };

        if ($fate === Target::CRC32C_REFUSED) {
            $this->assertFailsForChecksums($fate, 'createUpload() … finish()', $upload);
            $this->assertNull(self::direct($t)->head($key), 'a refused upload stored something');
            $this->assertSame(0, self::openUploads($t, $objectKey), 'a refused upload was left open');
            return;
        }

        $result = $upload();
        $this->assertPutResult($result, $data, $mode, 'finish()');
        $this->assertMatchesRegularExpression('/-3$/', $result['etag']);
        if ($fate === Target::CRC32C_WRONG_MULTIPART) {
            $this->assertFailsForChecksums($fate, 'read() of a multipart object', fn () => $b->read($key));
            $this->assertSameBytes($data, self::direct($t)->read($key), 'read() in md5 mode');
        } else {
            $this->assertSameBytes($data, $b->read($key), 'read()');
        }
        $this->assertSame('application/pdf', $b->head($key)['content_type']);
        $this->assertTrue($b->delete($key));
        $this->assertNull(self::direct($t)->head($key), 'delete() left the object');
        $this->assertProxyIdle($t, $mode);
    }
}
