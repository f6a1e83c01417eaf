<?php
/*
 * "Stream through osTicket": the plugin answers file.php's download itself,
 * with ranges (RFC 9110), revalidation and HEAD, reading from the store only
 * what the answer needs. The store sits behind a request recorder, so each
 * test can see how many GETs, and which ranges, reached it.
 */

class ProxyDownloadTest extends PluginTestCase
{
    /** @var RequestRecorder */
    private $store;
    /** @var string */
    private $data;
    /** @var AttachmentFile */
    private $file;

    protected function setUp(): void
    {
        parent::setUp();
        $this->installPlugin(['download-mode' => 'proxy']);
        $this->data = self::bytes(300000, 'ranges');
        $this->file = $this->createFile($this->data, 'voicemail.wav', 'audio/wav');
        // Downloads only from here on: the recorder reads request lines,
        // which an upload's body on the same connection would hide.
        $this->store = new RequestRecorder();
        $this->installPlugin(['endpoint' => $this->store->endpoint(), 'download-mode' => 'proxy']);
    }

    protected function tearDown(): void
    {
        $this->store->stop();
        parent::tearDown();
    }

    private function download(array $headers = [], string $method = 'GET'): array
    {
        $file = $this->file;
        $gets = count($this->store->paths('GET'));
        $response = $this->answer(function () use ($file) {
            AttachmentFile::lookup($file->id)->download('attachment', 3600);
        }, $headers, $method);
        $response['store_gets'] = count($this->store->paths('GET')) - $gets;
        return $response;
    }

    /** @dataProvider ranges */
    public function test_a_single_range_is_answered_206_with_exactly_those_bytes(string $range, int $first, int $last): void
    {
        $response = $this->download(['Range' => $range]);

        $this->assertSame(206, $response['status']);
        $this->assertSame(substr($this->data, $first, $last - $first + 1), $response['body']);
        $this->assertSame("bytes $first-$last/300000", $response['headers']['content-range']);
        $this->assertSame((string) ($last - $first + 1), $response['headers']['content-length']);
        $this->assertSame(1, $response['store_gets'], 'one ranged GET');
    }

    public static function ranges(): array
    {
        return [
            'first byte' => ['bytes=0-0', 0, 0],
            'middle' => ['bytes=1000-1999', 1000, 1999],
            'open-ended' => ['bytes=299990-', 299990, 299999],
            'suffix' => ['bytes=-500', 299500, 299999],
            'suffix longer than the file' => ['bytes=-999999', 0, 299999],
            'end past the end' => ['bytes=299000-400000', 299000, 299999],
        ];
    }

    public function test_a_range_past_the_end_is_416_without_a_store_request(): void
    {
        $response = $this->download(['Range' => 'bytes=300000-']);

        $this->assertSame(416, $response['status']);
        $this->assertSame('bytes */300000', $response['headers']['content-range']);
        $this->assertSame('', $response['body']);
        $this->assertSame(0, $response['store_gets']);
    }

    /** @dataProvider wholeFileRanges */
    public function test_malformed_or_multiple_ranges_get_the_whole_file(string $range): void
    {
        $response = $this->download(['Range' => $range]);

        $this->assertSame(200, $response['status']);
        $this->assertSame(md5($this->data), md5($response['body']));
        $this->assertArrayNotHasKey('content-range', $response['headers']);
    }

    public static function wholeFileRanges(): array
    {
        return ['multiple' => ['bytes=0-9,20-29'], 'malformed' => ['bytes=abc'], 'reversed' => ['bytes=9-0'],
                'other unit' => ['items=0-9'], 'empty' => ['bytes=-']];
    }

    public function test_if_range_with_the_current_etag_honours_the_range_and_a_stale_one_sends_all(): void
    {
        $etag = '"' . sha1($this->data) . '"';
        $current = $this->download(['Range' => 'bytes=10-19', 'If-Range' => $etag]);
        $this->assertSame([206, substr($this->data, 10, 10)], [$current['status'], $current['body']]);

        $stale = $this->download(['Range' => 'bytes=10-19', 'If-Range' => '"an-older-version"']);
        $this->assertSame(200, $stale['status']);
        $this->assertSame(md5($this->data), md5($stale['body']));
    }

    public function test_if_none_match_with_the_etag_is_304_without_a_store_request(): void
    {
        $first = $this->download();
        $again = $this->download(['If-None-Match' => $first['headers']['etag']]);

        $this->assertSame(304, $again['status']);
        $this->assertSame('', $again['body']);
        $this->assertSame(0, $again['store_gets']);
        $this->assertArrayNotHasKey('content-length', $again['headers']);
        $this->assertSame($first['headers']['etag'], $again['headers']['etag']);
    }

    public function test_if_modified_since_the_last_modified_is_304_without_a_store_request(): void
    {
        $first = $this->download();
        $again = $this->download(['If-Modified-Since' => $first['headers']['last-modified']]);

        $this->assertSame(304, $again['status']);
        $this->assertSame(0, $again['store_gets']);
        $changed = $this->download(['If-Modified-Since' => 'Mon, 01 Jan 2001 00:00:00 GMT']);
        $this->assertSame(200, $changed['status']);
    }

    public function test_head_sends_the_headers_and_reads_nothing(): void
    {
        $response = $this->download([], 'HEAD');

        $this->assertSame(200, $response['status']);
        $this->assertSame('', $response['body']);
        $this->assertSame('300000', $response['headers']['content-length']);
        $this->assertSame(0, $response['store_gets']);
    }

    public function test_a_resumed_download_gives_identical_bytes(): void
    {
        $head = substr($this->data, 0, 123457);
        $rest = $this->download(['Range' => 'bytes=123457-', 'If-Range' => '"' . sha1($this->data) . '"']);

        $this->assertSame(206, $rest['status']);
        $this->assertSame(md5($this->data), md5($head . $rest['body']));
    }

    public function test_a_store_error_before_the_first_byte_is_osticket_404_not_a_partial_200(): void
    {
        $this->native()->delete($this->expectedObjectKey($this->file));

        $response = $this->download(['Range' => 'bytes=0-99']);

        $this->assertSame(404, $response['status'], "osTicket's own answer for a failed backend");
        $this->assertSame('', $response['body']);
        $this->assertArrayNotHasKey('content-range', $this->http->headers, 'our headers are withdrawn');
        $this->assertArrayNotHasKey('content-disposition', $this->http->headers);
        $logged = self::systemLog('error');
        $this->assertCount(1, $logged);
        $this->assertStringContainsString('NoSuchKey', $logged[0]['message']);
    }
}
