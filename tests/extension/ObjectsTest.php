<?php
declare(strict_types=1);

final class ObjectsTest extends S3TestCase
{
    public function test_head_reports_size_etag_type_and_checksum(): void
    {
        $b = self::backend();
        $key = $this->key();
        $data = self::bytes(1234);
        $put = $b->putString($key, $data, ['content_type' => 'text/csv']);
        $head = $b->head($key);
        $this->assertSame(1234, $head['size']);
        $this->assertSame($put['etag'], $head['etag']);
        $this->assertSame('text/csv', $head['content_type']);
        $this->assertSame(['crc32c' => hash('crc32c', $data)], $head['checksums']);
    }

    public function test_head_of_missing_object_is_null(): void
    {
        $this->assertNull(self::backend()->head($this->key()));
    }

    public function test_delete_is_idempotent(): void
    {
        $b = self::backend();
        $key = $this->key();
        $b->putString($key, 'x');
        $this->assertTrue($b->delete($key));
        $this->assertNull($b->head($key));
        $this->assertTrue($b->delete($key), 'deleting again');
        $this->assertTrue($b->delete($this->key('never-existed')));
    }

    public function test_prefixes_keep_backends_apart(): void
    {
        $a = self::backend(['prefix' => 'tenant-a-' . bin2hex(random_bytes(3))]);
        $b = self::backend(['prefix' => 'tenant-b-' . bin2hex(random_bytes(3))]);
        $a->putString('same-key', 'A');
        $this->assertNull($b->head('same-key'));
        $b->putString('same-key', 'B');
        $this->assertSame('A', $a->read('same-key'));
        $this->assertSame('B', $b->read('same-key'));
    }

    public function test_check_access_proves_write_read_and_delete(): void
    {
        $report = self::backend()->checkAccess();
        $this->assertTrue($report['ok']);
        $this->assertTrue($report['checksum_confirmed']);
        $this->assertSame(getenv('S3_TEST_BUCKET'), $report['bucket']);
        $this->assertStringStartsWith(self::options()['prefix'] . '/', $report['probe_key']);
        $this->assertNull(self::backend(['prefix' => ''])->head($report['probe_key']), 'probe removed');
    }

    public function test_check_access_names_the_step_a_read_only_key_cannot_do(): void
    {
        $b = self::backend([
            'access_key_id' => getenv('S3_TEST_READONLY_ACCESS_KEY'),
            'secret_access_key' => getenv('S3_TEST_READONLY_SECRET_KEY'),
        ]);
        try {
            $b->checkAccess();
            $this->fail('a read-only key passed the access check');
        } catch (S3AttachmentAccessDeniedException $e) {
            $this->assertStringContainsString('could not write a probe object', $e->getMessage());
            $this->assertStringContainsString('s3:PutObject', $e->getMessage());
            $this->assertSame(403, $e->getCode());
        }
    }

    public function test_check_access_reports_a_missing_bucket_without_creating_it(): void
    {
        $bucket = 'no-such-bucket-' . bin2hex(random_bytes(4));
        try {
            self::backend(['bucket' => $bucket])->checkAccess();
            $this->fail('a missing bucket passed the access check');
        } catch (S3AttachmentNotFoundException $e) {
            $this->assertStringContainsString("could not find the bucket: bucket '$bucket' does not exist", $e->getMessage());
        }
        try {
            self::backend(['bucket' => $bucket])->read('k');
            $this->fail('the bucket exists now');
        } catch (S3AttachmentNotFoundException $e) {
            $this->assertStringContainsString('NoSuchBucket', $e->getMessage(), 'still missing: nothing was written');
        }
    }

    public function test_check_access_warns_that_an_http_endpoint_travels_in_clear(): void
    {
        $report = self::backend()->checkAccess();
        $this->assertTrue($report['ok']);
        $this->assertCount(1, $report['warnings']);
        $this->assertStringContainsString('http://', $report['warnings'][0]);
        $this->assertStringContainsString('unencrypted', $report['warnings'][0]);
    }

    public function test_signed_urls_use_the_endpoint_host_as_browsers_send_it(): void
    {
        $url = self::backend(['endpoint' => 'https://S3.Example.COM:443', 'path_style' => true])->presignGet('k');
        $this->assertStringStartsWith('https://s3.example.com/' . getenv('S3_TEST_BUCKET') . '/', $url);
        // Typed in capitals, the local server still takes the requests and the signed URL.
        $port = parse_url((string) getenv('S3_TEST_ENDPOINT'), PHP_URL_PORT);
        $b = self::backend(['endpoint' => "http://LocalHost:$port"]);
        $key = $this->key();
        $b->putString($key, 'typed in capitals');
        $url = $b->presignGet($key);
        $this->assertStringStartsWith("http://localhost:$port/", $url);
        $this->assertSame('typed in capitals', self::httpGet($url)['body']);
    }
}
