<?php
declare(strict_types=1);

final class OptionsTest extends S3TestCase
{
    public function test_exception_hierarchy_extends_runtime_exception(): void
    {
        $this->assertTrue(is_subclass_of('S3AttachmentException', RuntimeException::class));
        foreach (['Config', 'NotFound', 'AccessDenied', 'Network', 'Integrity'] as $kind) {
            $this->assertTrue(is_subclass_of("S3Attachment{$kind}Exception", 'S3AttachmentException'), $kind);
        }
    }

    public function test_exceptions_can_be_constructed_from_php(): void
    {
        $e = new S3AttachmentNotFoundException('gone', 404);
        $this->assertSame('gone', $e->getMessage());
        $this->assertSame(404, $e->getCode());
    }

    public function test_missing_bucket_option_is_refused(): void
    {
        $this->expectException(S3AttachmentConfigException::class);
        $this->expectExceptionMessage("option 'bucket' is required");
        new S3AttachmentBackend(['region' => 'us-east-1']);
    }

    public function test_unknown_option_names_the_key_and_the_allowed_ones(): void
    {
        try {
            new S3AttachmentBackend(['bucket' => 'bkt', 'secret' => 'x']);
            $this->fail('no exception');
        } catch (S3AttachmentConfigException $e) {
            $this->assertStringContainsString("'secret' is unknown", $e->getMessage());
            $this->assertStringContainsString('secret_access_key', $e->getMessage());
        }
    }

    /** @dataProvider badOptions */
    public function test_bad_option_values_are_refused(string $key, $value, string $expected): void
    {
        try {
            new S3AttachmentBackend(['bucket' => 'bkt', $key => $value]);
            $this->fail("$key accepted");
        } catch (S3AttachmentConfigException $e) {
            $this->assertStringContainsString($expected, $e->getMessage());
        }
    }

    public static function badOptions(): array
    {
        return [
            'part size as string' => ['part_size', '8M', "'part_size' must be an integer"],
            'part size too small' => ['part_size', 1024, "'part_size' must be from 5242880"],
            'threshold negative' => ['multipart_threshold', -1, "'multipart_threshold' must be from"],
            'concurrency zero' => ['max_concurrency', 0, "'max_concurrency' must be from 1"],
            'path style as int' => ['path_style', 1, "'path_style' must be a bool"],
            'timeout zero' => ['operation_timeout', 0, "'operation_timeout' must be more than 0"],
            'timeout as string' => ['connect_timeout', '5', "'connect_timeout' must be a number"],
            'attempts too many' => ['max_attempts', 100, "'max_attempts' must be from 1 to 20"],
            'bad acl' => ['acl', 'public', "'acl' must be one of"],
            'archive class' => ['storage_class', 'GLACIER', 'archive class'],
            'bad sse' => ['server_side_encryption', 'AES128', "'server_side_encryption' must be one of"],
            'endpoint with path' => ['endpoint', 'http://h/x', "'endpoint' must be scheme, host and port"],
            'endpoint without scheme' => ['endpoint', 's3.example.com', "'endpoint' must start with"],
            'prefix with dot dot' => ['prefix', 'a/../b', "'prefix' is invalid"],
            'region with space' => ['region', 'eu west', "'region' is not a region"],
            'bucket as array' => ['bucket', ['x'], "'bucket' must be a string; got array"],
            'cache control with CRLF' => ['cache_control', "x\r\nSet-Cookie: a=b", 'control or non-ASCII'],
            'missing CA bundle' => ['ca_bundle', '/nonexistent/ca.pem', "'ca_bundle' names /nonexistent/ca.pem"],
            'binary string' => ['region', "\xff\xfe", 'must be UTF-8'],
            'object value' => ['region', new stdClass(), 'got object'],
        ];
    }

    public function test_half_credentials_are_refused(): void
    {
        $this->expectException(S3AttachmentConfigException::class);
        $this->expectExceptionMessage("'access_key_id' is set but 'secret_access_key' is not");
        new S3AttachmentBackend(['bucket' => 'bkt', 'access_key_id' => 'AK']);
    }

    public function test_null_option_means_default(): void
    {
        $b = new S3AttachmentBackend(['bucket' => 'bkt', 'region' => null, 'prefix' => null]);
        $this->assertSame('k', $b->objectKey('k'));
    }

    public function test_object_key_applies_the_prefix(): void
    {
        $b = new S3AttachmentBackend(['bucket' => 'bkt', 'prefix' => '/helpdesk/files/']);
        $this->assertSame('helpdesk/files/AbCd-_09', $b->objectKey('AbCd-_09'));
    }

    /** @dataProvider hostileKeys */
    public function test_hostile_keys_are_refused_before_any_request(string $key): void
    {
        // Port 1 is closed: a request would be a NetworkException, not this.
        $b = new S3AttachmentBackend(['bucket' => 'bkt', 'endpoint' => 'http://127.0.0.1:1',
            'access_key_id' => 'a', 'secret_access_key' => 'b']);
        $this->expectException(S3AttachmentConfigException::class);
        $b->putString($key, 'x');
    }

    public static function hostileKeys(): array
    {
        return [
            'empty' => [''], 'dot dot' => ['a/../b'], 'leading slash' => ['/etc/passwd'],
            'NUL' => ["a\0b"], 'CRLF' => ["a\r\nb"], 'not UTF-8' => ["\xff\xfe"],
            '1025 bytes' => [str_repeat('k', 1025)], 'empty segment' => ['a//b'],
        ];
    }

    public function test_upload_option_of_unknown_name_is_refused(): void
    {
        $this->expectException(S3AttachmentConfigException::class);
        $this->expectExceptionMessage("upload option 'mime' is unknown");
        self::backend()->putString('k', 'x', ['mime' => 'text/plain']);
    }

    public function test_metadata_must_be_ascii_names_and_values(): void
    {
        $this->expectException(S3AttachmentConfigException::class);
        self::backend()->putString('k', 'x', ['metadata' => ['ok' => "caf\u{e9}"]]);
    }
}
