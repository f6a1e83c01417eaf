<?php
declare(strict_types=1);

final class PresignTest extends S3TestCase
{
    public function test_signed_url_serves_the_bytes(): void
    {
        $b = self::backend();
        $key = $this->key();
        $data = self::bytes(70000);
        $b->putString($key, $data, ['content_type' => 'application/pdf']);
        $res = self::httpGet($b->presignGet($key));
        $this->assertSame(200, $res['status']);
        $this->assertSame($data, $res['body']);
        $this->assertSame('application/pdf', $res['headers']['content-type']);
    }

    public function test_hostile_filename_is_encoded_into_one_safe_header(): void
    {
        $b = self::backend();
        $key = $this->key();
        $b->putString($key, 'pdf bytes');
        $url = $b->presignGet($key, ['filename' => "a\"b\r\nSet-Cookie: x=1; \u{e9}t\u{e9}.pdf", 'disposition' => 'attachment']);
        $res = self::httpGet($url);
        $this->assertSame(200, $res['status']);
        $this->assertArrayNotHasKey('set-cookie', $res['headers']);
        $this->assertSame(
            "attachment; filename=\"a_bSet-Cookie: x=1; _t_.pdf\"; filename*=UTF-8''a%22bSet-Cookie%3A%20x%3D1%3B%20%C3%A9t%C3%A9.pdf",
            $res['headers']['content-disposition']
        );
    }

    public function test_inline_disposition_and_content_type_override(): void
    {
        $b = self::backend();
        $key = $this->key();
        $b->putString($key, 'png bytes', ['content_type' => 'application/octet-stream']);
        $res = self::httpGet($b->presignGet($key, ['disposition' => 'inline', 'filename' => 'logo.png', 'content_type' => 'image/png']));
        $this->assertSame("inline; filename=\"logo.png\"; filename*=UTF-8''logo.png", $res['headers']['content-disposition']);
        $this->assertSame('image/png', $res['headers']['content-type']);
    }

    public function test_unicode_key_url_works(): void
    {
        $b = self::backend();
        $key = $this->key() . "/\u{5c65}\u{6b74} +%.txt";
        $b->putString($key, 'unicode');
        $this->assertSame('unicode', self::httpGet($b->presignGet($key))['body']);
    }

    public function test_tampered_url_is_refused(): void
    {
        $b = self::backend();
        $key = $this->key();
        $b->putString($key, 'secret attachment');
        $b->putString($key . '-other', 'another customer');
        $url = $b->presignGet($key);
        $this->assertSame(200, self::httpGet($url)['status']);
        $otherKey = str_replace(rawurlencode(basename($key)), rawurlencode(basename($key) . '-other'), $url);
        $this->assertNotSame($url, $otherKey);
        $this->assertSame(403, self::httpGet($otherKey)['status'], 'URL moved to another key');
        $longer = preg_replace('/X-Amz-Expires=\d+/', 'X-Amz-Expires=604800', $url);
        $this->assertSame(403, self::httpGet($longer)['status'], 'expiry extended');
        $forged = preg_replace_callback('/X-Amz-Signature=([0-9a-f])/', fn ($m) => 'X-Amz-Signature=' . ($m[1] === 'a' ? 'b' : 'a'), $url);
        $this->assertSame(403, self::httpGet($forged)['status'], 'signature changed');
    }

    public function test_expired_url_is_refused(): void
    {
        $b = self::backend();
        $key = $this->key();
        $b->putString($key, 'x');
        $url = $b->presignGet($key, ['ttl' => 1]);
        sleep(2);
        $this->assertSame(403, self::httpGet($url)['status']);
    }

    public function test_url_signed_with_a_wrong_secret_is_refused(): void
    {
        $key = $this->key();
        self::backend()->putString($key, 'x');
        $url = self::backend(['secret_access_key' => 'wrong-secret'])->presignGet($key);
        $this->assertSame(403, self::httpGet($url)['status']);
    }

    public function test_ttl_is_clamped_to_what_s3_allows(): void
    {
        $b = self::backend();
        $this->assertStringContainsString('X-Amz-Expires=604800&', $b->presignGet('k', ['ttl' => 10 ** 9]));
        $this->assertStringContainsString('X-Amz-Expires=1&', $b->presignGet('k', ['ttl' => 0]));
        $this->assertStringContainsString('X-Amz-Expires=3600&', $b->presignGet('k'), 'default one hour');
    }

    public function test_bad_presign_options_are_refused(): void
    {
        // Each message names the option, what it accepts and what it got
        // (a header injection attempt shown escaped, never raw).
        $b = self::backend();
        $cases = [
            [['disposition' => 'download'], ['disposition', "'inline'", "'attachment'", '"download"']],
            [['content_type' => "text/html\r\nX: y"], ['content_type', 'type/subtype', 'text/html', 'X: y']],
            [['ttl' => '60'], ["'ttl'", 'int', 'string']],
            [['expires' => 60], ["'expires'", 'unknown', 'ttl, signing_time, disposition, filename, content_type']],
        ];
        foreach ($cases as [$opts, $mustSay]) {
            try {
                $b->presignGet('k', $opts);
                $this->fail('accepted ' . json_encode($opts));
            } catch (S3AttachmentConfigException $e) {
                foreach ($mustSay as $part) {
                    $this->assertStringContainsString($part, $e->getMessage(), 'for ' . json_encode($opts));
                }
                $this->assertDoesNotMatchRegularExpression('/[\r\n]/', $e->getMessage(), 'no raw CR or LF');
            }
        }
    }

    public function test_presigning_makes_no_request(): void
    {
        $b = self::backend(['endpoint' => 'http://127.0.0.1:1']);
        $this->assertStringStartsWith('http://127.0.0.1:1/' . getenv('S3_TEST_BUCKET') . '/', $b->presignGet('k'));
    }

    public function test_virtual_hosted_url_for_aws(): void
    {
        $b = new S3AttachmentBackend(['bucket' => 'my-bucket', 'region' => 'eu-west-1',
            'access_key_id' => 'AKIAEXAMPLE', 'secret_access_key' => 'x']);
        $url = $b->presignGet('folder/key');
        $this->assertStringStartsWith('https://my-bucket.s3.eu-west-1.amazonaws.com/folder/key?', $url);
        $this->assertStringContainsString('X-Amz-Credential=AKIAEXAMPLE%2F', $url);
        $this->assertStringContainsString('%2Feu-west-1%2Fs3%2Faws4_request', $url);
    }

    public function test_a_fixed_signing_time_gives_the_same_working_url_every_time(): void
    {
        $b = self::backend();
        $key = $this->key();
        $b->putString($key, 'cache me');
        $window = intdiv(time(), 600) * 600;
        $opts = ['signing_time' => $window, 'ttl' => 1200, 'disposition' => 'inline', 'content_type' => 'image/png'];

        $first = $b->presignGet($key, $opts);
        usleep(1_100_000); // a new second: a URL signed "now" would differ
        $this->assertSame($first, $b->presignGet($key, $opts), 'byte-identical within the window');
        $this->assertStringContainsString('X-Amz-Date=' . gmdate('Ymd\THis\Z', $window), $first);
        $this->assertStringContainsString('X-Amz-Expires=1200', $first);
        $got = self::httpGet($first);
        $this->assertSame([200, 'cache me'], [$got['status'], $got['body']]);
        $this->assertNotSame($first, $b->presignGet($key, ['ttl' => 1200, 'disposition' => 'inline', 'content_type' => 'image/png']));
    }

    public function test_a_signing_time_that_would_give_an_expired_url_is_refused(): void
    {
        try {
            self::backend()->presignGet('k', ['signing_time' => time() - 7200, 'ttl' => 3600]);
            $this->fail('no exception');
        } catch (S3AttachmentConfigException $e) {
            $this->assertSame('signing_time', $e->getOptionName());
            $this->assertStringContainsString('already past', $e->getMessage());
        }
    }
}
