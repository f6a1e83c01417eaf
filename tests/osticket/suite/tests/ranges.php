<?php
/*
 * Downloads done right (issue 11), through osTicket's own file.php under
 * Apache: in proxy mode ranges, revalidation and HEAD, with the requests
 * that reach the store counted by a request recorder in front of it; in
 * redirect mode the same URL on repeated views.
 */

require_once dirname(__DIR__, 3) . '/support/RequestRecorder.php';

/** Proxy mode with the store behind a recorder, for the duration of $body. */
function through_recorder(callable $body): void
{
    $recorder = new RequestRecorder();
    $errors = [];
    $values = plugin_form_values(['download-mode' => 'proxy', 'endpoint' => $recorder->endpoint(),
        'secret-access-key' => '']);
    if (!plugin_form_update(s3_instance(), $values, $errors)) {
        throw new RuntimeException('cannot configure proxy mode behind the recorder: ' . json_encode($errors));
    }
    try {
        $body($recorder);
    } finally {
        $errors = [];
        plugin_form_update(s3_instance(), plugin_form_values(['secret-access-key' => '']), $errors);
        $recorder->stop();
    }
}

test('file.php, proxy mode: ranges, If-Range, 304 and HEAD as a file server answers them', function () {
    [$id, $bytes] = Shared::$values['large_file'];
    $row = file_row($id);
    $size = strlen($bytes);
    $url = fresh_file($id)->getDownloadUrl();
    $key = object_key_for($row);
    through_recorder(function (RequestRecorder $recorder) use ($url, $bytes, $size, $key) {
        parse_str((string) parse_url($url, PHP_URL_QUERY), $link);
        $before = time();
        $whole = http_request('GET', $url);
        $after = time();
        Suite::same(200, $whole['status'], 'a plain GET: 200');
        Suite::same(sha1($bytes), sha1($whole['body']), 'the whole file');
        Suite::same('bytes', $whole['headers']['accept-ranges'] ?? null, 'Accept-Ranges: bytes');
        Suite::same('nosniff', $whole['headers']['x-content-type-options'] ?? null, 'nosniff');
        $maxAge = preg_match('/^private, max-age=(\d+)$/', $whole['headers']['cache-control'] ?? '', $m) ? (int) $m[1] : -1;
        Suite::check($maxAge >= (int) $link['expires'] - $after - 1 && $maxAge <= (int) $link['expires'] - $before + 1,
            "Cache-Control: private for the link's lifetime (it expires at {$link['expires']})",
            $whole['headers']['cache-control'] ?? '(none)');
        Suite::same([null, null], [$whole['headers']['expires'] ?? null, $whole['headers']['pragma'] ?? null],
            'none of the session\'s no-cache headers');
        $etag = $whole['headers']['etag'] ?? '';

        foreach (['first byte' => ['bytes=0-0', 0, 0], 'middle' => ['bytes=1000000-1999999', 1000000, 1999999],
                  'suffix' => ['bytes=-1000', $size - 1000, $size - 1],
                  'to the end' => ['bytes=' . ($size - 10) . '-', $size - 10, $size - 1]] as $name => [$range, $a, $b]) {
            $gets = store_gets($recorder, $key);
            $part = http_request('GET', $url, ["Range: $range"]);
            Suite::same(206, $part['status'], "$name: 206");
            Suite::same(sha1(substr($bytes, $a, $b - $a + 1)), sha1($part['body']), "$name: exactly those bytes");
            Suite::same("bytes $a-$b/$size", $part['headers']['content-range'] ?? null, "$name: Content-Range");
            Suite::same(1, store_gets($recorder, $key) - $gets, "$name: one ranged GET at the store");
        }
        $gets = store_gets($recorder, $key);
        $past = http_request('GET', $url, ['Range: bytes=' . $size . '-']);
        Suite::same(416, $past['status'], 'past the end: 416');
        Suite::same("bytes */$size", $past['headers']['content-range'] ?? null, 'with Content-Range: bytes */SIZE');
        Suite::same(0, store_gets($recorder, $key) - $gets, 'the 416 read nothing from the store');
        foreach (['malformed' => 'bytes=abc', 'multiple' => 'bytes=0-9,20-29'] as $name => $range) {
            $all = http_request('GET', $url, ["Range: $range"]);
            Suite::same([200, sha1($bytes)], [$all['status'], sha1($all['body'])], "$name: 200 with the whole file");
        }
        $stale = http_request('GET', $url, ['Range: bytes=0-9', 'If-Range: "not-the-etag"']);
        Suite::same(200, $stale['status'], 'If-Range that no longer matches: the whole file');

        $gets = store_gets($recorder, $key);
        $again = http_request('GET', $url, ["If-None-Match: $etag"]);
        Suite::same(304, $again['status'], 'If-None-Match with the ETag: 304');
        Suite::same('', $again['body'], 'no body');
        $since = http_request('GET', $url, ['If-Modified-Since: ' . ($whole['headers']['last-modified'] ?? '')]);
        Suite::same(304, $since['status'], 'If-Modified-Since with its Last-Modified: 304');
        $head = http_request('HEAD', $url);
        Suite::same(200, $head['status'], 'HEAD: 200');
        Suite::same((string) $size, $head['headers']['content-length'] ?? null, 'HEAD: Content-Length');
        Suite::same(0, store_gets($recorder, $key) - $gets, 'neither the 304s nor the HEAD read from the store');

        // A download cut after 1 MiB, resumed as curl -C - does.
        $cut = 1048576 + 7;
        $rest = http_request('GET', $url, ['Range: bytes=' . $cut . '-', "If-Range: $etag"]);
        Suite::same(sha1($bytes), sha1(substr($bytes, 0, $cut) . $rest['body']), 'a resumed download: identical bytes');
    });
});

test('file.php, redirect mode: repeated views within the window get the same signed URL', function () {
    [$row, $bytes] = api_file('pixel.png');
    $url = fresh_file((int) $row['id'])->getDownloadUrl(['disposition' => 'inline']);
    // The URL changes, by design, when a signing window ends (half the
    // url-ttl, at most an hour); two views straddling an edge would differ.
    $window = max(1, min(3600, intdiv((int) stored_config()['url-ttl'], 2)));
    $leftInWindow = $window - time() % $window;
    if ($leftInWindow < 4) {
        sleep($leftInWindow);
    }
    $first = http_request('GET', $url);
    usleep(1100000); // a URL signed "now" would differ by now
    $second = http_request('GET', $url);
    Suite::same(302, $first['status'], 'a redirect');
    Suite::same($first['headers']['location'] ?? null, $second['headers']['location'] ?? 'second', 'the same URL');
    $object = http_request('GET', $first['headers']['location'] ?? '');
    Suite::same(sha1($bytes), sha1($object['body']), 'it serves the bytes');
    Suite::same('private, max-age=86400', $object['headers']['cache-control'] ?? null,
        'which the browser may keep (the object is stored so)');
});
