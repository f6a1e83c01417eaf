<?php
// Shared set-up for the extension's tests: a backend on the local test
// server under a prefix of its own, and a plain HTTP client for URLs.

declare(strict_types=1);

use PHPUnit\Framework\TestCase;

abstract class S3TestCase extends TestCase
{
    protected const MIB = 1048576;

    /** Options for the local server, admin identity, a fresh prefix. */
    protected static function options(array $overrides = []): array
    {
        static $run = null;
        $run ??= 'phpunit-' . getmypid() . '-' . bin2hex(random_bytes(3));
        return array_merge([
            'bucket' => getenv('S3_TEST_BUCKET'),
            'endpoint' => getenv('S3_TEST_ENDPOINT'),
            'region' => 'us-east-1',
            'path_style' => true,
            'access_key_id' => getenv('S3_TEST_ACCESS_KEY'),
            'secret_access_key' => getenv('S3_TEST_SECRET_KEY'),
            'prefix' => $run . '/' . static::class,
            'connect_timeout' => 5,
            'operation_timeout' => 30,
        ], $overrides);
    }

    protected static function backend(array $overrides = []): S3AttachmentBackend
    {
        return new S3AttachmentBackend(self::options($overrides));
    }

    /** A key no other test uses, under the test method's name. */
    protected function key(string $name = 'object'): string
    {
        // PHPUnit 10 renamed getName(false) to name(): Debian 12 has 9.6, Debian 13 has 11.
        $test = method_exists($this, 'name') ? $this->name() : $this->getName(false);
        return $test . '/' . $name . '-' . bin2hex(random_bytes(4));
    }

    /** @return array{status:int, headers:array<string,string>, body:string} */
    protected static function httpGet(string $url): array
    {
        $headers = [];
        $ch = curl_init($url);
        curl_setopt_array($ch, [
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HEADERFUNCTION => function ($ch, string $line) use (&$headers): int {
                if (str_contains($line, ':')) {
                    [$name, $value] = explode(':', $line, 2);
                    $headers[strtolower(trim($name))] = trim($value);
                }
                return strlen($line);
            },
        ]);
        $body = curl_exec($ch);
        self::assertIsString($body, 'curl failed: ' . curl_error($ch));
        return ['status' => curl_getinfo($ch, CURLINFO_RESPONSE_CODE), 'headers' => $headers, 'body' => $body];
    }

    /** Deterministic, incompressible-enough bytes of a given size. */
    protected static function bytes(int $size, string $seed = 'x'): string
    {
        $out = '';
        $block = 0;
        while (strlen($out) < $size) {
            $out .= hash('sha512', $seed . $block++, true);
        }
        return substr($out, 0, $size);
    }
}
