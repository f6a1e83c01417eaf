<?php
declare(strict_types=1);

/** What a caller can act on is in typed fields, not only in the message. */
final class TypedErrorsTest extends S3TestCase
{
    public function test_a_store_error_carries_code_status_operation_location_and_request_id(): void
    {
        $b = self::backend();
        $key = $this->key();
        try {
            $b->read($key);
            $this->fail('no exception');
        } catch (S3AttachmentNotFoundException $e) {
            $this->assertSame('NoSuchKey', $e->getS3Code());
            $this->assertSame(404, $e->getHttpStatus());
            $this->assertSame(404, $e->getCode());
            $this->assertSame('getObject', $e->getOperation());
            $this->assertSame(getenv('S3_TEST_BUCKET'), $e->getBucket());
            $this->assertSame($b->objectKey($key), $e->getObjectKey());
            $this->assertMatchesRegularExpression('/^\S+$/', (string) $e->getRequestId());
            $this->assertStringContainsString((string) $e->getRequestId(), $e->getMessage());
            $this->assertNull($e->getOptionName());
        }
    }

    /** @dataProvider badOptions */
    public function test_a_config_error_names_its_option(array $options, string $option): void
    {
        try {
            self::backend($options);
            $this->fail('no exception');
        } catch (S3AttachmentConfigException $e) {
            $this->assertSame($option, $e->getOptionName());
            $this->assertNull($e->getS3Code());
            $this->assertNull($e->getHttpStatus());
            $this->assertSame(0, $e->getCode());
        }
    }

    public static function badOptions(): array
    {
        return [
            'endpoint' => [['endpoint' => 'ftp://x'], 'endpoint'],
            'bucket' => [['bucket' => 'ab'], 'bucket'],
            'part_size' => [['part_size' => 1], 'part_size'],
            'acl' => [['acl' => 'nope'], 'acl'],
            'half keys' => [['secret_access_key' => null], 'secret_access_key'],
        ];
    }

    public function test_a_presign_option_error_names_the_option(): void
    {
        try {
            self::backend()->presignGet('k', ['ttl' => 'soon']);
            $this->fail('no exception');
        } catch (S3AttachmentConfigException $e) {
            $this->assertSame('ttl', $e->getOptionName());
        }
    }

    public function test_exceptions_constructed_in_php_have_null_fields(): void
    {
        $e = new S3AttachmentAccessDeniedException('made here', 7);
        $this->assertSame(7, $e->getCode());
        foreach (['getS3Code', 'getRequestId', 'getOperation', 'getOptionName', 'getBucket', 'getObjectKey',
                  'getHttpStatus'] as $getter) {
            $this->assertNull($e->$getter(), $getter);
        }
    }

    public function test_the_constructor_keeps_the_secret_out_of_stack_traces(): void
    {
        $previous = ini_set('zend.exception_ignore_args', '0');
        try {
            new S3AttachmentBackend(['bucket' => 'x', 'access_key_id' => 'AK', 'secret_access_key' => 'SEKRET-IN-ARGS']);
            $this->fail('no exception');
        } catch (S3AttachmentConfigException $e) {
            $frame = $e->getTrace()[0];
            $this->assertSame('__construct', $frame['function']);
            $this->assertInstanceOf(SensitiveParameterValue::class, $frame['args'][0] ?? null,
                'the options argument is shown as a SensitiveParameterValue');
            $this->assertStringNotContainsString('SEKRET-IN-ARGS', var_export($e->getTrace(), true) . $e);
        } finally {
            ini_set('zend.exception_ignore_args', (string) $previous);
        }
    }
}
