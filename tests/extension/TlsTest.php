<?php
declare(strict_types=1);

/**
 * Certificates are verified by default; `ca_bundle` trusts a private CA.
 * The HTTPS endpoint is the fault proxy terminating TLS with a certificate
 * from a CA these tests make, in front of the plain-HTTP test server.
 */
final class TlsTest extends S3TestCase
{
    private static string $dir;
    private static FaultProxy $proxy;

    public static function setUpBeforeClass(): void
    {
        self::$dir = sys_get_temp_dir() . '/s3a-tls-' . bin2hex(random_bytes(4));
        mkdir(self::$dir);
        $d = escapeshellarg(self::$dir);
        $run = function (string $cmd): void {
            exec("$cmd 2>&1", $out, $code);
            self::assertSame(0, $code, implode("\n", $out));
        };
        foreach (['ca', 'other-ca'] as $ca) {
            $run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=$ca -keyout $d/$ca.key -out $d/$ca.pem");
        }
        $run("openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout $d/server.key -out $d/server.csr");
        file_put_contents(self::$dir . '/ext.cnf', "subjectAltName=IP:127.0.0.1\n");
        $run("openssl x509 -req -in $d/server.csr -CA $d/ca.pem -CAkey $d/ca.key -CAcreateserial -days 2 -extfile $d/ext.cnf -out $d/server.pem");
        file_put_contents(self::$dir . '/not-a-cert.pem', "just text\n");
        self::$proxy = new FaultProxy('--faults', '0', '--tls-cert', self::$dir . '/server.pem', '--tls-key', self::$dir . '/server.key');
    }

    public static function tearDownAfterClass(): void
    {
        self::$proxy->stop();
        exec('rm -rf ' . escapeshellarg(self::$dir));
    }

    private static function https(array $extra = []): S3AttachmentBackend
    {
        return self::backend(array_merge(['endpoint' => self::$proxy->endpoint('https'), 'max_attempts' => 1], $extra));
    }

    public function test_untrusted_certificate_is_refused_by_default(): void
    {
        try {
            self::https()->putString($this->key(), 'x');
            $this->fail('an untrusted certificate was accepted');
        } catch (S3AttachmentNetworkException $e) {
            $this->assertStringContainsString('certificate', $e->getMessage());
            $this->assertStringContainsString('ca_bundle', $e->getMessage(), 'the fix is named');
        }
    }

    public function test_ca_bundle_makes_a_private_endpoint_work(): void
    {
        $b = self::https(['ca_bundle' => self::$dir . '/ca.pem']);
        $key = $this->key();
        $b->putString($key, 'over TLS');
        $this->assertSame('over TLS', $b->read($key));
        $this->assertStringStartsWith('https://127.0.0.1:' . self::$proxy->port . '/', $b->presignGet($key));
    }

    public function test_a_bundle_of_another_ca_is_refused(): void
    {
        $this->expectException(S3AttachmentNetworkException::class);
        $this->expectExceptionMessage('certificate');
        self::https(['ca_bundle' => self::$dir . '/other-ca.pem'])->head('k');
    }

    public function test_a_bundle_without_a_certificate_is_a_config_error(): void
    {
        $this->expectException(S3AttachmentConfigException::class);
        $this->expectExceptionMessage('holds no PEM certificate');
        self::https(['ca_bundle' => self::$dir . '/not-a-cert.pem'])->head('k');
    }
}
