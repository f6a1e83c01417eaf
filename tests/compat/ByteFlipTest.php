<?php
// Bodies corrupted on the wire (fault_proxy --flip-body-byte in front of
// SeaweedFS inverts the middle byte of every PUT body; the SDK signs bodies
// as UNSIGNED-PAYLOAD, so only a body checksum can reveal it).
// 'crc32c' and 'md5': the store refuses the bytes (BadDigest), nothing is
// stored and no multipart upload is left open.
// 'none': the store keeps the corrupted bytes and the upload "succeeds".
// That is the cost of 'none', asserted here so it stays visible: exactly the
// flipped bytes differ, and only reading back (as migration does) finds it.

declare(strict_types=1);

final class ByteFlipTest extends CompatTestCase
{
    private const SIZE = 100001;

    private function assertRefusedByTheStore(callable $put, string $what): void
    {
        try {
            $put();
        } catch (S3AttachmentIntegrityException $e) {
            $this->assertSame('BadDigest', $e->getS3Code(), "$what: " . $e->getMessage());
            $this->assertSame(400, $e->getHttpStatus());
            return;
        }
        $this->fail("$what: the store accepted a body with a flipped byte");
    }

    /** Offsets at which $stored differs from $data; each must be the inverted byte. */
    private function flippedOffsets(string $data, string $stored): array
    {
        $this->assertSame(strlen($data), strlen($stored), 'a flipped byte changes no length');
        $diff = [];
        for ($i = 0, $n = strlen($data); $i < $n; $i++) {
            if ($data[$i] !== $stored[$i]) {
                $this->assertSame(ord($data[$i]) ^ 0xFF, ord($stored[$i]), "byte $i is not the inverted one");
                $diff[] = $i;
            }
        }
        return $diff;
    }

    /** @dataProvider modes */
    public function test_single_put_with_a_flipped_byte(string $mode): void
    {
        $b = $this->seaweedfsBehind($mode, '--flip-body-byte');
        $direct = self::direct(self::seaweedfs());
        $data = self::bytes(self::SIZE, "flip-$mode");
        $key = $this->key('single');
        try {
            if ($mode !== 'none') {
                $this->assertRefusedByTheStore(fn () => $b->putString($key, $data), "putString() in mode '$mode'");
                $this->assertNull($direct->head($key), 'a refused PUT stored something');
                $this->assertSame([intdiv(self::SIZE, 2)], $this->stopProxy()['flipped']);
                return;
            }
            $result = $b->putString($key, $data);
            $this->assertSame([], $result['checksums'], "mode 'none' confirms nothing");
            $stored = $direct->read($key);
            $this->assertSame([intdiv(self::SIZE, 2)], $this->flippedOffsets($data, $stored));
            // The ETag is the MD5 of what the store got, which no one checked.
            $this->assertSame(md5($stored), $result['etag']);
            $this->assertNotSame(md5($data), $result['etag']);
            $this->assertSame([intdiv(self::SIZE, 2)], $this->stopProxy()['flipped']);
        } finally {
            $direct->delete($key);
        }
    }

    /** @dataProvider modes */
    public function test_multipart_upload_with_a_flipped_byte_per_part(string $mode): void
    {
        $b = $this->seaweedfsBehind($mode, '--flip-body-byte');
        $direct = self::direct(self::seaweedfs());
        $data = self::bytes(self::MULTIPART_SIZE, "flip-multipart-$mode");
        $key = $this->key('multipart');
        $upload = fn (): array => self::uploadInParts($b, $key, $data);
        try {
            if ($mode !== 'none') {
                $this->assertRefusedByTheStore($upload, "createUpload() in mode '$mode'");
                $this->assertNull($direct->head($key), 'a refused upload stored something');
                $this->assertSame(0, self::openUploads(self::seaweedfs(), $b->objectKey($key)),
                    'the refused upload was left open');
                return;
            }
            $result = $upload();
            $this->assertSame([], $result['checksums']);
            // Parts of 5, 5 and 2 MiB, each with its middle byte inverted.
            $expected = [self::PART / 2, self::PART + self::PART / 2, 2 * self::PART + self::MIB];
            $this->assertSame($expected, $this->flippedOffsets($data, $direct->read($key)));
            $this->assertCount(3, $this->stopProxy()['flipped']);
        } finally {
            $direct->delete($key);
        }
    }

    /** @dataProvider modes */
    public function test_check_access_notices_the_corruption(string $mode): void
    {
        $b = $this->seaweedfsBehind($mode, '--flip-body-byte');
        try {
            $b->checkAccess();
            $this->fail("checkAccess() passed through a proxy that corrupts every upload (mode '$mode')");
        } catch (S3AttachmentIntegrityException $e) {
            // md5/crc32c: the store refuses the probe; none: the probe read back differs.
            $this->assertSame($mode === 'none' ? null : 'BadDigest', $e->getS3Code(), $e->getMessage());
        }
    }
}
