<?php
declare(strict_types=1);

/**
 * Every option with every wrong type and out-of-range value, and hostile
 * filenames in signed URLs: a clear ConfigException or a safely encoded
 * header, never a crash, a panic or a header injection.
 */
final class HostileInputTest extends S3TestCase
{
    private const STRING_OPTIONS = ['bucket', 'prefix', 'region', 'endpoint', 'access_key_id', 'secret_access_key',
        'session_token', 'profile', 'acl', 'storage_class', 'server_side_encryption', 'sse_kms_key_id',
        'cache_control', 'ca_bundle'];
    private const INT_OPTIONS = ['part_size', 'multipart_threshold', 'max_concurrency', 'max_attempts'];
    private const SECONDS_OPTIONS = ['connect_timeout', 'operation_timeout'];

    public static function wrongValues(): array
    {
        $cases = [];
        $object = new stdClass();
        foreach (self::STRING_OPTIONS as $k) {
            foreach ([1, 1.5, true, false, [], ['a'], $object, "\xc3\x28"] as $i => $v) {
                $cases["$k #$i"] = [$k, $v];
            }
        }
        foreach (self::INT_OPTIONS as $k) {
            foreach (['8', 1.5, true, [], $object, -1, PHP_INT_MAX, PHP_INT_MIN, 0] as $i => $v) {
                $cases["$k #$i"] = [$k, $v];
            }
        }
        foreach (self::SECONDS_OPTIONS as $k) {
            foreach (['5', true, [], $object, -1, 0, 0.0, INF, NAN, 1e12] as $i => $v) {
                $cases["$k #$i"] = [$k, $v];
            }
        }
        foreach ([1, 'yes', 'true', 1.0, [], $object] as $i => $v) {
            $cases["path_style #$i"] = ['path_style', $v];
        }
        return $cases;
    }

    /** @dataProvider wrongValues */
    public function test_wrong_option_value_is_a_config_error_naming_the_key(string $key, $value): void
    {
        try {
            new S3AttachmentBackend(array_merge(['bucket' => 'bkt'], [$key => $value]));
            $this->fail("accepted $key = " . var_export($value, true));
        } catch (S3AttachmentConfigException $e) {
            $this->assertStringContainsString("'$key'", $e->getMessage());
        }
    }

    public function test_options_with_integer_keys_are_refused(): void
    {
        $this->expectException(S3AttachmentConfigException::class);
        $this->expectExceptionMessage("option '0' is unknown");
        new S3AttachmentBackend(['bucket' => 'bkt', 'x']);
    }

    public function test_deeply_nested_metadata_is_refused(): void
    {
        $this->expectException(S3AttachmentConfigException::class);
        self::backend()->putString('k', 'x', ['metadata' => ['a' => ['b' => ['c' => ['d' => ['e' => 1]]]]]]);
    }

    public function test_wrong_argument_types_are_type_errors_not_crashes(): void
    {
        $b = self::backend();
        foreach ([fn () => $b->read([]), fn () => $b->putString('k', []), fn () => $b->presignGet('k', 'ttl=5'),
                  fn () => new S3AttachmentBackend('bucket=b')] as $i => $call) {
            try {
                $call();
                $this->fail("call $i accepted a wrong type");
            } catch (TypeError $e) {
                $this->assertNotSame('', $e->getMessage());
            }
        }
    }

    /** @dataProvider hostileFilenames */
    public function test_hostile_filename_yields_one_safe_header(string $filename, string $expectedStart): void
    {
        $b = self::backend();
        $key = $this->key();
        $b->putString($key, 'attachment');
        $url = $b->presignGet($key, ['filename' => $filename]);
        $this->assertLessThan(4096, strlen($url), 'URL stays far under request-line limits');
        $res = self::httpGet($url);
        $this->assertSame(200, $res['status']);
        $header = $res['headers']['content-disposition'];
        $this->assertMatchesRegularExpression('/^attachment; filename="[ -~]*"; filename\*=UTF-8\'\'[!#$&+\-.^_`|~%0-9A-Za-z]*$/', $header);
        $this->assertSame(2, substr_count($header, '"'));
        preg_match("/filename\\*=UTF-8''(.*)$/", $header, $m);
        $decoded = rawurldecode($m[1]);
        $this->assertTrue(mb_check_encoding($decoded, 'UTF-8'));
        $this->assertStringStartsWith($expectedStart, $decoded);
        $this->assertDoesNotMatchRegularExpression('/[\x00-\x1f\x7f\/\\\\]|\x{202E}/u', $decoded);
    }

    public static function hostileFilenames(): array
    {
        return [
            'quotes and backslashes' => ['a"b\\c\'d.txt', 'a"b_c\'d.txt'],
            'CR LF header injection' => ["x\r\nLocation: http://evil/\r\n\r\n.pdf", 'xLocation: http:__evil_.pdf'],
            'NUL' => ["nul\0byte.pdf", 'nulbyte.pdf'],
            'right-to-left override' => ["invoice\u{202E}fdp.exe", 'invoicefdp.exe'],
            '10,000 characters' => [str_repeat("\u{3042}", 10000) . '.docx', "\u{3042}\u{3042}"],
            'path traversal' => ['../../etc/passwd', '.._.._etc_passwd'],
        ];
    }

    public function test_long_filename_keeps_its_extension(): void
    {
        $url = self::backend()->presignGet('k', ['filename' => str_repeat('x', 10000) . '.pdf']);
        $this->assertMatchesRegularExpression('/x\.pdf%22%3B/', $url);
    }

    /** @dataProvider unsafeInlineTypes */
    public function test_inline_links_download_types_that_could_run_script(string $type): void
    {
        $b = self::backend();
        $key = $this->key();
        $b->putString($key, '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
        $got = self::httpGet($b->presignGet($key, ['disposition' => 'inline', 'content_type' => $type, 'filename' => 'x']));
        $this->assertSame(200, $got['status']);
        $this->assertStringStartsWith('attachment;', $got['headers']['content-disposition']);
        $this->assertSame($type, $got['headers']['content-type'], 'the type is kept, only the disposition changes');
    }

    public static function unsafeInlineTypes(): array
    {
        return ['svg' => ['image/svg+xml'], 'html' => ['text/html'], 'xhtml' => ['application/xhtml+xml'],
                'xml' => ['text/xml'], 'pdf' => ['application/pdf']];
    }

    public function test_inline_links_keep_raster_images_inline(): void
    {
        $b = self::backend();
        $key = $this->key();
        $b->putString($key, "\x89PNG\r\n");
        $got = self::httpGet($b->presignGet($key, ['disposition' => 'inline', 'content_type' => 'image/png', 'filename' => 'a.png']));
        $this->assertSame(200, $got['status']);
        $this->assertStringStartsWith('inline;', $got['headers']['content-disposition']);
    }

    public function test_a_link_made_without_options_downloads_an_object_stored_as_html(): void
    {
        // The object's own stored type would render (and run) on the
        // bucket's origin if the URL left the disposition to the store.
        $b = self::backend();
        $key = $this->key();
        $b->putString($key, '<script>alert(document.domain)</script>', ['content_type' => 'text/html']);
        $got = self::httpGet($b->presignGet($key));
        $this->assertSame(200, $got['status']);
        $this->assertSame('attachment', $got['headers']['content-disposition'] ?? null);
        $this->assertSame('text/html', $got['headers']['content-type'], 'the stored type is kept');
    }
}
