<?php
declare(strict_types=1);

/** Each exception class, from a real cause against a real server. */
final class ErrorsTest extends S3TestCase
{
    public function test_missing_object_is_not_found(): void
    {
        $key = $this->key();
        try {
            self::backend()->read($key);
            $this->fail('no exception');
        } catch (S3AttachmentNotFoundException $e) {
            $this->assertSame(404, $e->getCode());
            $this->assertStringContainsString('getObject s3://' . getenv('S3_TEST_BUCKET') . '/', $e->getMessage());
            $this->assertStringContainsString($key, $e->getMessage());
            $this->assertStringContainsString('NoSuchKey', $e->getMessage());
            $this->assertMatchesRegularExpression('/request id \S+/', $e->getMessage());
        }
    }

    public function test_missing_bucket_is_not_found_with_a_fix(): void
    {
        // Read, not write: SeaweedFS creates a missing bucket on PUT for an admin key.
        try {
            self::backend(['bucket' => 'no-such-bucket-' . bin2hex(random_bytes(4))])->read('k');
            $this->fail('no exception');
        } catch (S3AttachmentNotFoundException $e) {
            $this->assertStringContainsString('does not exist', $e->getMessage());
            $this->assertStringContainsString('NoSuchBucket', $e->getMessage());
            $this->assertStringContainsString('Fix: create the bucket', $e->getMessage());
        }
    }

    public function test_wrong_secret_is_access_denied_and_does_not_echo_it(): void
    {
        $secret = 'wrong-secret-' . bin2hex(random_bytes(8));
        try {
            self::backend(['secret_access_key' => $secret])->putString('k', 'x');
            $this->fail('no exception');
        } catch (S3AttachmentAccessDeniedException $e) {
            $this->assertSame(403, $e->getCode());
            $this->assertStringContainsString('SignatureDoesNotMatch', $e->getMessage());
            $this->assertStringContainsString('check secret_access_key', $e->getMessage());
            $this->assertStringNotContainsString($secret, $e->getMessage());
            $this->assertStringNotContainsString($secret, $e->getTraceAsString());
        }
    }

    public function test_unknown_access_key_is_access_denied(): void
    {
        $this->expectException(S3AttachmentAccessDeniedException::class);
        $this->expectExceptionMessage('check access_key_id');
        self::backend(['access_key_id' => 'NOSUCHKEY000'])->read('k');
    }

    public function test_read_only_key_cannot_write(): void
    {
        $this->expectException(S3AttachmentAccessDeniedException::class);
        $this->expectExceptionMessage('s3:PutObject');
        self::backend([
            'access_key_id' => getenv('S3_TEST_READONLY_ACCESS_KEY'),
            'secret_access_key' => getenv('S3_TEST_READONLY_SECRET_KEY'),
        ])->putString($this->key(), 'x');
    }

    public function test_closed_port_is_a_network_error(): void
    {
        $started = microtime(true);
        try {
            self::backend(['endpoint' => 'http://127.0.0.1:1', 'max_attempts' => 2])->putString('k', 'x');
            $this->fail('no exception');
        } catch (S3AttachmentNetworkException $e) {
            $this->assertStringContainsString('Connection refused', $e->getMessage());
            $this->assertStringContainsString('Fix:', $e->getMessage());
        }
        $this->assertLessThan(10, microtime(true) - $started);
    }

    public function test_unresolvable_host_is_a_network_error(): void
    {
        $this->expectException(S3AttachmentNetworkException::class);
        self::backend(['endpoint' => 'http://no-such-host.invalid:8333', 'max_attempts' => 1])->head('k');
    }

    public function test_bad_option_is_a_config_error(): void
    {
        $this->expectException(S3AttachmentConfigException::class);
        self::backend(['max_concurrency' => 'four']);
    }

    public function test_every_error_is_catchable_as_the_base_and_runtime_exception(): void
    {
        try {
            self::backend()->read($this->key());
            $this->fail('no exception');
        } catch (RuntimeException $e) {
            $this->assertInstanceOf(S3AttachmentException::class, $e);
        }
    }
}
