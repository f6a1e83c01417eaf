<?php
// A store whose ETags are not the MD5 of the bytes (AWS with SSE-C or
// SSE-KMS, stores that encrypt or compress on their side), reproduced by
// fault_proxy --etag-not-md5 in front of SeaweedFS: the bytes are intact,
// only the ETag of each PUT's answer differs.
// 'md5' checks that ETag against the MD5 sent, so it refuses every upload
// there, deletes what was stored, and names the option and the values that
// work ('crc32c', else 'none'); 'crc32c' and 'none' do not rely on ETags and store as
// usual.

declare(strict_types=1);

final class EtagNotMd5Test extends CompatTestCase
{
    private function assertRefusedForItsEtag(callable $put, string $what): void
    {
        try {
            $put();
        } catch (S3AttachmentIntegrityException $e) {
            $message = $e->getMessage();
            $this->assertSame('checksums', $e->getOptionName(), "$what: the option to change: $message");
            $this->assertStringContainsString('ETag', $message, "$what: says what differed");
            $this->assertStringContainsString("set 'checksums' to 'crc32c' where the store supports it, else to 'none'",
                $message, "$what: names the values that work");
            $this->assertStringNotContainsString("to 'md5'", $message, "$what: does not suggest the mode in use");
            return;
        }
        $this->fail("$what: an upload whose ETag is not its MD5 passed in mode 'md5'");
    }

    /** @dataProvider modes */
    public function test_single_put(string $mode): void
    {
        $b = $this->seaweedfsBehind($mode, '--etag-not-md5');
        $direct = self::direct(self::seaweedfs());
        $data = self::bytes(100001, "etag-$mode");
        $key = $this->key('single');
        try {
            if ($mode === 'md5') {
                $this->assertRefusedForItsEtag(fn () => $b->putString($key, $data), 'putString()');
                $this->assertNull($direct->head($key), 'the object the store kept was deleted');
            } else {
                $result = $b->putString($key, $data);
                $this->assertPutResult($result, $data, $mode, "putString() in mode '$mode'");
                $this->assertArrayNotHasKey('md5', $result['checksums'], 'no MD5 is claimed from an ETag that is none');
                $this->assertSame($data, $direct->read($key), 'stored byte for byte');
            }
            $this->assertSame(1, $this->stopProxy()['faults'], 'the proxy altered the one PUT answer');
        } finally {
            $direct->delete($key);
        }
    }

    /** @dataProvider modes */
    public function test_multipart_upload(string $mode): void
    {
        $b = $this->seaweedfsBehind($mode, '--etag-not-md5');
        $direct = self::direct(self::seaweedfs());
        $data = self::bytes(self::MULTIPART_SIZE, "etag-multipart-$mode");
        $key = $this->key('multipart');
        $upload = fn (): array => self::uploadInParts($b, $key, $data);
        try {
            if ($mode === 'md5') {
                $this->assertRefusedForItsEtag($upload, 'createUpload()');
                $this->assertNull($direct->head($key), 'no object');
                $this->assertSame(0, self::openUploads(self::seaweedfs(), $b->objectKey($key)),
                    'no multipart upload left open');
                return;
            }
            $this->assertPutResult($upload(), $data, $mode, "createUpload() in mode '$mode'");
            $this->assertSame($data, $direct->read($key), 'stored byte for byte');
            $this->assertSame(3, $this->stopProxy()['faults'], 'the proxy altered the three part answers');
        } finally {
            $direct->delete($key);
        }
    }
}
