<?php
/*
 * The advisor reads the extension's typed fields (getS3Code(),
 * getOptionName()), not its messages: a message may quote a key, a bucket
 * or a value that looks like an error code or an option name. Any other
 * throwable (a PHP error) has neither: its message is never read.
 *
 * The exceptions here are PHP subclasses of the extension's classes whose
 * getters answer what the store or the option parser would have said.
 */

class AdvisedAccessDenied extends S3AttachmentAccessDeniedException
{
    public $code3;
    function getS3Code(): ?string { return $this->code3; }
    function getOptionName(): ?string { return null; }
}

class AdvisedNotFound extends S3AttachmentNotFoundException
{
    public $code3;
    function getS3Code(): ?string { return $this->code3; }
    function getOptionName(): ?string { return null; }
}

class AdvisedConfigError extends S3AttachmentConfigException
{
    public $option;
    function getS3Code(): ?string { return null; }
    function getOptionName(): ?string { return $this->option; }
}

class ErrorAdvisorTest extends PluginTestCase
{
    private static function settings(): S3Native\Settings
    {
        return S3Native\Settings::fromArray(['bucket' => 'b', 'folder' => 'f',
            'endpoint' => 'https://s3.example.com']);
    }

    private static function with($exception, string $property, ?string $value)
    {
        $exception->$property = $value;
        return $exception;
    }

    public function test_s3_code_comes_from_the_getter_not_from_the_message(): void
    {
        // A key that happens to contain an error code's name.
        $e = self::with(new AdvisedNotFound('getObject s3://b/f/NoSuchBucket-notes.txt failed: not found'),
            'code3', 'NoSuchKey');

        $this->assertSame('NoSuchKey', S3Native\ErrorAdvisor::s3Code($e));
        $message = S3Native\ErrorAdvisor::storageFailure($e, 'read', 'notes.txt',
            new S3Native\ObjectLocation('b', 'f', 'NoSuchBucket-notes.txt'), self::settings());
        $this->assertStringContainsString('the object is missing', $message);
        $this->assertStringNotContainsString('does not exist at', $message, 'not advised as a missing bucket');
    }

    public function test_field_follows_the_typed_code(): void
    {
        $acl = self::with(new AdvisedAccessDenied('putObject failed: the bucket refused the upload'),
            'code3', 'AccessControlListNotSupported');
        $kms = self::with(new AdvisedAccessDenied('putObject failed: denied'), 'code3', 'KMS.DisabledException');
        $plain = self::with(new AdvisedAccessDenied('putObject s3://b/f/InvalidAccessKeyId.txt failed'),
            'code3', 'AccessDenied');

        $this->assertSame('acl', S3Native\ErrorAdvisor::fieldFor($acl, self::settings()));
        $this->assertSame('sse-kms-key-id', S3Native\ErrorAdvisor::fieldFor($kms, self::settings()));
        $this->assertNull(S3Native\ErrorAdvisor::fieldFor($plain, self::settings()),
            'a key named like an error code does not point at the key ID field');
        $this->assertStringContainsString('ACLs disabled',
            S3Native\ErrorAdvisor::configFailure($acl, self::settings())[1]);
    }

    public function test_config_field_follows_the_typed_option_name(): void
    {
        // The message names the bucket value, which looks like another option.
        $e = self::with(new AdvisedConfigError('endpoint "https://region.example" for bucket "acl" is not a URL'),
            'option', 'endpoint');
        $unknown = self::with(new AdvisedConfigError('bucket "region" is refused'), 'option', null);

        $this->assertSame('endpoint', S3Native\ErrorAdvisor::fieldFor($e, self::settings()));
        $this->assertNull(S3Native\ErrorAdvisor::fieldFor($unknown, self::settings()));
    }

    public function test_only_the_typed_getters_are_read_never_the_message(): void
    {
        // A throwable that is not the extension's names a code and an option
        // in words only: the advisor must not guess from them.
        $other = new RuntimeException('putObject failed: InvalidAccessKeyId: endpoint "x" is wrong');

        $this->assertNull(S3Native\ErrorAdvisor::s3Code($other));
        $this->assertNull(S3Native\ErrorAdvisor::optionName($other));
    }

    public function test_access_denied_on_a_file_says_a_missing_object_looks_the_same(): void
    {
        $e = self::with(new AdvisedAccessDenied('headObject s3://b/f/K failed: access denied'), 'code3', 'AccessDenied');
        $kms = S3Native\Settings::fromArray(['bucket' => 'b', 'sse' => 'aws:kms']);

        $message = S3Native\ErrorAdvisor::storageFailure($e, 'read', 'a.txt',
            new S3Native\ObjectLocation('b', 'f', 'K'), self::settings());
        $onSave = S3Native\ErrorAdvisor::configFailure($e, $kms)[1];

        $this->assertStringContainsString('arn:aws:s3:::b/f/*', $message);
        $this->assertStringContainsString('s3:ListBucket', $message);
        $this->assertStringNotContainsString('s3:ListBucket', $onSave, 'the save check needs no ListBucket');
        $this->assertStringContainsString('kms:GenerateDataKey and kms:Decrypt', $onSave);
    }
}
