<?php
declare(strict_types=1);

final class SecretsTest extends S3TestCase
{
    private const SECRET = 'Sup3rSecretValue-do-not-print';
    private const TOKEN = 'SessionTokenValue-do-not-print';

    private static function withSecrets(): S3AttachmentBackend
    {
        return self::backend(['secret_access_key' => self::SECRET, 'session_token' => self::TOKEN]);
    }

    public function test_dumps_of_a_backend_show_no_secret(): void
    {
        $b = self::withSecrets();
        ob_start();
        var_dump($b);
        print_r($b);
        var_export($b);
        debug_zval_refcount_free_output($b);
        $out = ob_get_clean() . print_r($b, true) . var_export($b, true) . json_encode($b);
        $this->assertStringNotContainsString(self::SECRET, $out);
        $this->assertStringNotContainsString(self::TOKEN, $out);
        $this->assertSame([], get_object_vars($b));
        $this->assertSame([], (array) $b);
    }

    public function test_a_backend_cannot_be_serialized(): void
    {
        $this->expectException(Exception::class);
        $this->expectExceptionMessage("Serialization of 'S3AttachmentBackend' is not allowed");
        serialize(self::withSecrets());
    }

    public function test_phpinfo_shows_no_secret(): void
    {
        self::withSecrets()->presignGet('k');
        ob_start();
        phpinfo(INFO_MODULES);
        $info = ob_get_clean();
        $this->assertStringContainsString('aws-sdk-s3 version', $info);
        $this->assertStringNotContainsString(self::SECRET, $info);
    }

    public function test_signed_url_carries_no_secret(): void
    {
        $url = self::withSecrets()->presignGet('k');
        $this->assertStringNotContainsString(self::SECRET, $url);
        $this->assertStringContainsString('X-Amz-Security-Token=' . self::TOKEN, $url, 'the token is part of a signed URL by design');
    }

    public function test_failure_messages_show_no_secret(): void
    {
        try {
            self::withSecrets()->putString('k', 'x');
            $this->fail('wrong credentials accepted');
        } catch (S3AttachmentException $e) {
            $this->assertStringNotContainsString(self::SECRET, (string) $e);
            $this->assertStringNotContainsString(self::TOKEN, (string) $e);
        }
    }
}

/** var_dump's sibling that walks object handlers differently. */
function debug_zval_refcount_free_output(object $o): void
{
    debug_zval_dump($o);
}
