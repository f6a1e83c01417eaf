<?php
/*
 * Serving attachments: file.php's download (redirect to a signed URL, or
 * proxy through PHP), getData() for e-mail/PDF, and osTicket's read loop.
 */

class DownloadTest extends PluginTestCase
{
    public function test_redirect_download_serves_the_bytes_from_the_signed_url(): void
    {
        $this->installPlugin();
        $data = self::bytes(200000, 'redirect');
        $file = $this->createFile($data, 'report.bin');

        $url = self::redirectUrlOf(function () use ($file) {
            AttachmentFile::lookup($file->id)->download('attachment', 3600);
        });
        $response = self::fetch($url);

        $this->assertSame(200, $response['status']);
        $this->assertSame($data, $response['body']);
    }

    public function test_redirect_download_sets_attachment_disposition_and_content_type(): void
    {
        $this->installPlugin();
        $file = $this->createFile('%PDF-1.4', 'invoice.pdf', 'application/pdf');

        $url = self::redirectUrlOf(function () use ($file) {
            AttachmentFile::lookup($file->id)->download(false, 3600);
        });
        $headers = self::fetch($url)['headers'];

        $this->assertSame('application/pdf', $headers['content-type'] ?? null);
        $this->assertMatchesRegularExpression('/^attachment\s*;/', $headers['content-disposition'] ?? '');
        $this->assertStringContainsString('invoice.pdf', $headers['content-disposition']);
    }

    public function test_redirect_inline_disposition_for_images_asked_inline(): void
    {
        $this->installPlugin();
        $file = $this->createFile("\x89PNG\r\n\x1a\n", 'logo.png', 'image/png');

        $url = self::redirectUrlOf(function () use ($file) {
            AttachmentFile::lookup($file->id)->download('inline', 3600);
        });
        $headers = self::fetch($url)['headers'];

        $this->assertMatchesRegularExpression('/^inline\s*;/', $headers['content-disposition'] ?? '');
        $this->assertSame('image/png', $headers['content-type'] ?? null);
    }

    /** @return array<string, array{0: string, 1: string, 2: string}> name, declared type, content */
    public function unsafeInlineTypes(): array
    {
        return [
            'SVG (can carry script)' => ['drawing.svg', 'image/svg+xml',
                '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'],
            'HTML' => ['page.html', 'text/html', '<html><script>alert(document.domain)</script></html>'],
        ];
    }

    /**
     * @dataProvider unsafeInlineTypes
     * The sender declares the type; shown inline it would run in the
     * bucket's origin. The signed URL serves it as a download instead.
     */
    public function test_redirect_never_serves_active_content_inline(string $name, string $type, string $content): void
    {
        $this->installPlugin();
        $file = $this->createFile($content, $name, $type);

        $url = self::redirectUrlOf(function () use ($file) {
            AttachmentFile::lookup($file->id)->download('inline', 3600);
        });
        parse_str((string) parse_url($url, PHP_URL_QUERY), $query);
        $response = self::fetch($url);

        $this->assertMatchesRegularExpression('/^attachment\s*;/', $query['response-content-disposition'] ?? '');
        $this->assertMatchesRegularExpression('/^attachment\s*;/', $response['headers']['content-disposition'] ?? '');
        $this->assertStringContainsString($name, $response['headers']['content-disposition']);
        $this->assertSame($content, $response['body']);
    }

    public function test_redirect_keeps_raster_images_inline(): void
    {
        $this->installPlugin();
        $file = $this->createFile("\x89PNG\r\n\x1a\n", 'photo.png', 'image/png');

        $url = self::redirectUrlOf(function () use ($file) {
            AttachmentFile::lookup($file->id)->download('inline', 3600);
        });
        parse_str((string) parse_url($url, PHP_URL_QUERY), $query);

        $this->assertMatchesRegularExpression('/^inline\s*;/', $query['response-content-disposition'] ?? '');
    }

    public function test_redirect_filename_with_quotes_and_unicode_is_rfc5987_encoded(): void
    {
        $this->installPlugin();
        $name = "Devis \"final\" été 2024;\r\nX-Evil: 1.pdf";
        $file = $this->createFile('quote', $name, 'application/pdf');

        $url = self::redirectUrlOf(function () use ($file) {
            AttachmentFile::lookup($file->id)->download(false, 3600);
        });
        $response = self::fetch($url);
        $disposition = $response['headers']['content-disposition'] ?? '';

        $this->assertSame(200, $response['status']);
        $this->assertArrayNotHasKey('x-evil', $response['headers']);
        $this->assertMatchesRegularExpression("/filename\\*=UTF-8''[^\\s\";]+/i", $disposition);
        preg_match("/filename\\*=UTF-8''([^\\s;]+)/i", $disposition, $m);
        $this->assertStringContainsString('été', rawurldecode($m[1]));
    }

    public function test_redirect_url_lifetime_is_the_shorter_of_osticket_link_and_configured_max(): void
    {
        $this->installPlugin(['url-ttl' => '600']);
        $file = $this->createFile('ttl');

        $now = time();
        $short = self::redirectUrlOf(function () use ($file) {
            AttachmentFile::lookup($file->id)->download(false, 120);
        });
        $long = self::redirectUrlOf(function () use ($file) {
            AttachmentFile::lookup($file->id)->download(false, 86400);
        });

        // Signed as of the start of a 300 s window (half of url-ttl).
        $signedAt = $now - $now % 300;
        $this->assertSame($signedAt, self::signedAt($long));
        $this->assertSame($signedAt + 600, self::signedAt($long) + self::expiresParameter($long));
        // The link's end to the minute below: the same for every view, never later.
        $end = self::signedAt($short) + self::expiresParameter($short);
        $this->assertSame(0, $end % 60, 'a whole minute');
        $this->assertLessThanOrEqual($now + 121, $end, "never later than osTicket's own link");
        $this->assertGreaterThan($now + 120 - 61, $end, 'and at most a minute earlier');
    }

    public function test_redirect_url_lifetime_is_clamped_to_seven_days(): void
    {
        $this->installPlugin(['url-ttl' => '604800']);
        $file = $this->createFile('week');

        $url = self::redirectUrlOf(function () use ($file) {
            AttachmentFile::lookup($file->id)->download(false, 10 * 86400);
        });

        $this->assertLessThanOrEqual(604800, self::expiresParameter($url));
    }

    public function test_repeated_views_within_the_window_get_the_same_url(): void
    {
        $this->installPlugin(['url-ttl' => '3600']);
        $file = $this->createFile("\x89PNG", 'shot.png', 'image/png');
        $view = function () use ($file) {
            return self::redirectUrlOf(function () use ($file) {
                AttachmentFile::lookup($file->id)->download('inline', 40000);
            });
        };

        $first = $view();
        usleep(1_100_000); // a URL signed "now" would differ by now
        $this->assertSame($first, $view(), 'the browser cache can serve the second view');
        $this->assertSame("\x89PNG", self::fetch($first)['body']);
    }

    public function test_logos_and_backdrops_are_streamed_never_a_cacheable_redirect(): void
    {
        $this->installPlugin(['url-ttl' => '600']);
        $data = self::bytes(5000, 'logo');
        $file = $this->createFile($data, 'logo.png', 'image/png');

        $response = $this->answer(function () use ($file) {
            AttachmentFile::lookup($file->id)->display(); // osTicket marks it cacheable for a day first
        });

        $this->assertSame(200, $response['status'], 'no 302 that browsers keep for a day');
        $this->assertSame($data, $response['body']);
        $this->assertSame((string) strlen($data), $response['headers']['content-length']);
        $this->assertSame('private, max-age=86400', $response['headers']['cache-control']);
        $this->assertSame('image/png', $response['headers']['content-type']);
    }

    public function test_redirect_ends_the_request(): void
    {
        $this->installPlugin();
        $file = $this->createFile('ends');

        try {
            AttachmentFile::lookup($file->id)->open()->sendRedirectUrl('attachment', 60);
            $this->fail('sendRedirectUrl() returned instead of ending the request');
        } catch (RequestEnded $ended) {
            $this->assertSame(302, $ended->status);
        }
    }

    public function test_proxy_mode_answers_the_download_itself_and_ends_the_request(): void
    {
        $this->installPlugin(['download-mode' => 'proxy']);
        $data = self::bytes(3 * 1048576 + 11, 'proxy');
        $file = $this->createFile($data, 'big.bin');

        $response = $this->answer(function () use ($file) {
            AttachmentFile::lookup($file->id)->download('attachment', 3600);
        });

        $this->assertSame(200, $response['status']);
        $this->assertSame(md5($data), md5($response['body']));
        $this->assertSame('application/octet-stream', $response['headers']['content-type']);
        $this->assertSame((string) strlen($data), $response['headers']['content-length']);
        $this->assertSame("attachment; filename*=UTF-8''big.bin", $response['headers']['content-disposition']);
        $this->assertSame('bytes', $response['headers']['accept-ranges']);
        $this->assertSame('private, max-age=3600', $response['headers']['cache-control']);
        $this->assertSame('nosniff', $response['headers']['x-content-type-options']);
        $this->assertSame('"' . sha1($data) . '"', $response['headers']['etag']);
        $this->assertArrayHasKey('last-modified', $response['headers']);
    }

    public function test_getData_under_ob_start_returns_the_bytes(): void
    {
        $this->installPlugin();
        $data = self::bytes(1048576 + 5, 'getdata') . "\0\0end";
        $file = $this->createFile($data);

        $this->assertSame(md5($data), md5(AttachmentFile::lookup($file->id)->getData()));
    }

    public function test_getData_of_a_missing_object_answers_404_and_logs_the_fix(): void
    {
        $this->installPlugin();
        [$file, $error] = $this->readOfADeletedObject();

        $this->assertStringContainsString('Unable to read attachment from S3', $error['title']);
        $this->assertStringContainsString($this->expectedObjectKey($file), $error['message']);
    }

    public function test_read_loop_gets_every_byte_in_default_chunks(): void
    {
        $this->installPlugin();
        $data = self::bytes(2 * 1048576 + 100, 'loop');
        $file = $this->createFile($data);

        $bk = AttachmentFile::lookup($file->id)->open();
        $out = '';
        $calls = 0;
        while ($block = $bk->read()) {
            $out .= $block;
            $calls++;
        }

        $this->assertSame(md5($data), md5($out));
        $this->assertGreaterThan(1, $calls, 'read() should stream in chunks');
    }

    public function test_read_never_returns_lone_zero_chunk_when_last_block_is_zero(): void
    {
        $this->installPlugin();
        $data = str_repeat('a', 1000) . '0';
        $file = $this->createFile($data);

        $bk = AttachmentFile::lookup($file->id)->open();
        $out = '';
        while ($block = $bk->read(1000)) {
            $this->assertNotSame('0', $block);
            $this->assertLessThanOrEqual(1000, strlen($block));
            $out .= $block;
        }

        $this->assertSame($data, $out);
    }

    public function test_read_amount_and_offset_follow_the_database_backend_semantics(): void
    {
        $this->installPlugin();
        $file = $this->createFile('0123456789abcdefghij');

        $bk = AttachmentFile::lookup($file->id)->open();

        $this->assertSame('2345', $bk->read(4, 2));
        $this->assertSame('789a', $bk->read(4, 1));
        $this->assertSame('bcdefghij', $bk->read(100));
        $this->assertFalse($bk->read(100));
    }

    public function test_read_of_one_byte_zero_object_throws_instead_of_ending_silently(): void
    {
        $this->installPlugin();
        $file = $this->createFile('0');

        $this->expectException(IOException::class);
        AttachmentFile::lookup($file->id)->open()->read();
    }

    public function test_one_byte_zero_file_is_still_served_by_getData(): void
    {
        $this->installPlugin();
        $file = $this->createFile('0');

        $this->assertSame('0', AttachmentFile::lookup($file->id)->getData());
    }

    /** X-Amz-Date of a signed URL, as a Unix time. */
    private static function signedAt(string $url): int
    {
        parse_str((string) parse_url($url, PHP_URL_QUERY), $query);
        $date = DateTime::createFromFormat('Ymd\THis\Z', (string) ($query['X-Amz-Date'] ?? ''), new DateTimeZone('UTC'));
        if (!$date) {
            throw new RuntimeException("no X-Amz-Date in $url");
        }
        return $date->getTimestamp();
    }

    private static function expiresParameter(string $url): int
    {
        parse_str((string) parse_url($url, PHP_URL_QUERY), $query);
        $expires = $query['X-Amz-Expires'] ?? null;
        if ($expires === null) {
            throw new RuntimeException("no X-Amz-Expires in $url");
        }
        return (int) $expires;
    }
}
