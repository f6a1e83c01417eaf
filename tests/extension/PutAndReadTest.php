<?php
declare(strict_types=1);

final class PutAndReadTest extends S3TestCase
{
    public function test_every_byte_value_round_trips(): void
    {
        $b = self::backend();
        $data = '';
        for ($i = 0; $i < 256; $i++) {
            $data .= chr($i);
        }
        $data = $data . "\0\0\0" . strrev($data) . "\0";
        $key = $this->key();
        $result = $b->putString($key, $data);
        $this->assertSame(strlen($data), $result['size']);
        $this->assertSame($data, $b->read($key));
    }

    public function test_put_reports_the_crc32c_the_store_confirmed(): void
    {
        $data = self::bytes(300000);
        $result = self::backend()->putString($this->key(), $data);
        $this->assertSame(['crc32c' => hash('crc32c', $data)], $result['checksums']);
        $this->assertMatchesRegularExpression('/^[0-9a-f]{32}$/', $result['etag']);
    }

    public function test_empty_object(): void
    {
        $b = self::backend();
        $key = $this->key();
        $this->assertSame(0, $b->putString($key, '')['size']);
        $this->assertSame('', $b->read($key));
        $this->assertSame(0, $b->head($key)['size']);
        $this->assertSame('', $b->openRead($key)->read());
    }

    public function test_one_byte_zero_object_is_returned_as_the_string_0(): void
    {
        $b = self::backend();
        $key = $this->key();
        $b->putString($key, '0');
        $this->assertSame('0', $b->read($key));
        $this->assertSame('0', $b->openRead($key)->read(1));
    }

    /** @dataProvider oddKeys */
    public function test_unicode_and_odd_keys_round_trip(string $name): void
    {
        $b = self::backend();
        $key = $this->key() . '/' . $name;
        $b->putString($key, "content of $name");
        $this->assertSame("content of $name", $b->read($key));
        $this->assertSame(strlen("content of $name"), $b->head($key)['size']);
        $this->assertTrue($b->delete($key));
        $this->assertNull($b->head($key));
    }

    public static function oddKeys(): array
    {
        return [
            'accents and CJK' => ["r\u{e9}sum\u{e9} \u{5c65}\u{6b74}\u{66f8}.pdf"],
            'emoji' => ["\u{1f4ce} clip.txt"],
            'URL specials' => ['a+b=c&d?e#f%20g;h,i'],
            'quotes and brackets' => ["it's \"x\" [1] {2} (3)"],
            'tilde and star' => ['~user/*glob*'],
            'osTicket key' => ['Zm9vYmFyYmF6cXV1eEFCQ0RFRkdISUpL'],
        ];
    }

    public function test_put_file_streams_from_disk(): void
    {
        $b = self::backend();
        $path = tempnam(sys_get_temp_dir(), 's3a');
        $data = self::bytes(3 * self::MIB + 17);
        file_put_contents($path, $data);
        try {
            $key = $this->key();
            $result = $b->putFile($key, $path, ['content_type' => 'image/png']);
            $this->assertSame(strlen($data), $result['size']);
            $this->assertSame(hash('crc32c', $data), $result['checksums']['crc32c']);
            $this->assertSame($data, $b->read($key));
            $this->assertSame('image/png', $b->head($key)['content_type']);
        } finally {
            unlink($path);
        }
    }

    public function test_put_file_of_missing_path_is_a_config_error(): void
    {
        $this->expectException(S3AttachmentConfigException::class);
        $this->expectExceptionMessage('cannot read /nonexistent/file');
        self::backend()->putFile($this->key(), '/nonexistent/file');
    }

    public function test_object_settings_are_stored(): void
    {
        $b = self::backend();
        $key = $this->key();
        $b->putString($key, 'x', ['content_type' => 'text/plain; charset=utf-8', 'metadata' => ['ticket' => '42']]);
        $head = $b->head($key);
        $this->assertSame('text/plain; charset=utf-8', $head['content_type']);
        $this->assertSame('private, max-age=86400', $head['cache_control'], 'default Cache-Control');
        $this->assertIsInt($head['last_modified']);
        $this->assertEqualsWithDelta(time(), $head['last_modified'], 300);
    }

    public function test_cache_control_can_be_overridden_per_upload_and_per_backend(): void
    {
        $key = $this->key();
        self::backend()->putString($key, 'x', ['cache_control' => 'no-store']);
        $this->assertSame('no-store', self::backend()->head($key)['cache_control']);
        $key2 = $this->key();
        $b = self::backend(['cache_control' => 'public, max-age=60']);
        $b->putString($key2, 'x');
        $this->assertSame('public, max-age=60', $b->head($key2)['cache_control']);
    }

    public function test_overwrite_replaces_the_content(): void
    {
        $b = self::backend();
        $key = $this->key();
        $b->putString($key, 'first version');
        $b->putString($key, 'second');
        $this->assertSame('second', $b->read($key));
    }
}
