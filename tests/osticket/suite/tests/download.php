<?php
/*
 * file.php downloads through Apache, with the links osTicket itself signs:
 * redirect mode (302 to a signed S3 URL that serves the bytes with the
 * right Content-Disposition) and proxy mode (osTicket's own headers, then
 * the bytes through passthru()).
 */

require_once dirname(__DIR__, 3) . '/support/FaultProxy.php';

function download_mode(string $mode): void
{
    $errors = [];
    $saved = plugin_form_update(s3_instance(), plugin_form_values(['download-mode' => $mode,
        'secret-access-key' => '']), $errors);
    if (!$saved) {
        throw new RuntimeException("cannot switch downloads to $mode: " . json_encode($errors));
    }
}

function api_file(string $name): array
{
    $row = Shared::$values['api_files'][$name] ?? null;
    if (!$row) {
        throw new RuntimeException("no API file $name (the API test failed)");
    }
    return [$row, Shared::$values['api_bytes'][$name]];
}

/** The query of a Location, decoded. */
function query_of(string $url): array
{
    parse_str((string) parse_url($url, PHP_URL_QUERY), $query);
    return $query;
}

test('file.php, redirect mode: 302 to a signed S3 URL serving the bytes as an attachment', function () {
    download_mode('redirect');
    [$row, $bytes] = api_file('notes é.txt');
    $page = http_request('GET', fresh_file((int) $row['id'])->getDownloadUrl());
    Suite::same(302, $page['status'], 'file.php redirects', substr($page['body'], 0, 300));
    $location = $page['headers']['location'] ?? '';
    $objectUrl = rtrim(env('S3_TEST_ENDPOINT'), '/') . '/' . bucket() . '/' . object_key_for($row) . '?';
    Suite::check(strpos($location, $objectUrl) === 0, 'to the object in the bucket', $location);
    $query = query_of($location);
    Suite::check(isset($query['X-Amz-Signature']), 'signed (SigV4 query)', $location);
    Suite::same('3600', $query['X-Amz-Expires'] ?? null, 'valid for the configured lifetime (osTicket\'s link lives longer)');
    $object = http_request('GET', $location);
    Suite::same(200, $object['status'], 'S3 serves the signed URL');
    Suite::same(sha1($bytes), sha1($object['body']), 'with the file\'s bytes');
    Suite::same('text/plain', $object['headers']['content-type'] ?? null, 'with the file\'s type');
    $disposition = $object['headers']['content-disposition'] ?? '';
    Suite::check(strpos($disposition, 'attachment') === 0, 'as an attachment', $disposition);
    Suite::contains("filename*=UTF-8''notes%20%C3%A9.txt", $disposition, 'with the name, UTF-8 intact');
    $tampered = http_request('GET', str_replace('X-Amz-Expires=3600', 'X-Amz-Expires=7200', $location));
    Suite::same(403, $tampered['status'], 'a tampered URL is refused by S3');
});

test('file.php, redirect mode: an image asked inline is served inline, an SVG as an attachment', function () {
    [$row, $bytes] = api_file('pixel.png');
    $page = http_request('GET', fresh_file((int) $row['id'])->getDownloadUrl(['disposition' => 'inline']));
    Suite::same(302, $page['status'], 'file.php redirects');
    $object = http_request('GET', $page['headers']['location'] ?? '');
    Suite::same(sha1($bytes), sha1($object['body']), 'S3 serves the bytes');
    Suite::check(strpos($object['headers']['content-disposition'] ?? '', 'inline') === 0,
        'inline', $object['headers']['content-disposition'] ?? '(none)');
    Suite::same('image/png', $object['headers']['content-type'] ?? null, 'as image/png');

    // osTicket asks for SVG inline too (an image/ type); from the bucket's
    // origin it could run script, so it is served as an attachment.
    $svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>/*' . bin2hex(random_bytes(8)) . '*/</script></svg>';
    $info = ['name' => 'drawing.svg', 'type' => 'image/svg+xml', 'data' => $svg];
    use_storage('3');
    $file = AttachmentFile::create($info);
    Suite::same('3', file_row((int) $file->getId())['bk'], 'the SVG is in S3');
    $page = http_request('GET', fresh_file((int) $file->getId())->getDownloadUrl(['disposition' => 'inline']));
    Suite::same(302, $page['status'], 'file.php redirects');
    $object = http_request('GET', $page['headers']['location'] ?? '');
    Suite::same(sha1($svg), sha1($object['body']), 'S3 serves the SVG');
    Suite::check(strpos($object['headers']['content-disposition'] ?? '', 'attachment') === 0,
        'an SVG asked inline is served as an attachment', $object['headers']['content-disposition'] ?? '(none)');
    $file->delete();
});

test('file.php, proxy mode: 200 with osTicket\'s headers and the bytes', function () {
    download_mode('proxy');
    try {
        foreach ([api_file('notes é.txt'), [file_row(Shared::$values['large_file'][0]), Shared::$values['large_file'][1]]]
                 as [$row, $bytes]) {
            $name = $row['name'];
            $page = http_request('GET', fresh_file((int) $row['id'])->getDownloadUrl());
            Suite::same(200, $page['status'], "$name: file.php answers 200");
            Suite::check(!isset($page['headers']['location']), "$name: no redirect");
            Suite::same(sha1($bytes), sha1($page['body']), "$name: the bytes");
            Suite::same((string) strlen($bytes), $page['headers']['content-length'] ?? null, "$name: Content-Length");
            // PHP itself adds the charset to text/* types.
            Suite::check(strpos($page['headers']['content-type'] ?? '', $row['type']) === 0, "$name: Content-Type",
                $page['headers']['content-type'] ?? '(none)');
            Suite::same("attachment; filename*=UTF-8''" . rawurlencode($name),
                $page['headers']['content-disposition'] ?? null, "$name: osTicket's Content-Disposition");
            Suite::same('"' . $row['signature'] . '"', $page['headers']['etag'] ?? null, "$name: osTicket's ETag");
        }
    } finally {
        download_mode('redirect');
    }
});

test('file.php, proxy mode: a file whose object is gone answers 404 at once, logged', function () {
    use_storage('3');
    $info = ['name' => 'vanished.txt', 'type' => 'text/plain', 'data' => unique_bytes(20000, 'vanished')];
    $file = AttachmentFile::create($info);
    $row = file_row((int) $file->getId());
    s3()->delete(object_key_for($row));
    download_mode('proxy');
    try {
        $t0 = microtime(true);
        $page = http_request('GET', fresh_file((int) $row['id'])->getDownloadUrl());
        $seconds = microtime(true) - $t0;
    } finally {
        download_mode('redirect');
        $file->delete();
    }
    Suite::same(404, $page['status'], 'osTicket answers 404', json_encode($page['headers']));
    Suite::check($seconds < 5, 'without making the client wait', sprintf('%.1f s', $seconds));
    Suite::same('File not found', $page['body'], 'with osTicket\'s message');
    // osTicket titles the entry "CLASS: title" (BaseError::getTitle()).
    $logged = rows('SELECT log FROM ' . SYSLOG_TABLE . ' WHERE title=' . db_input(S3Native\ReadFailed::class
        . ': Unable to read attachment from S3') . ' AND log LIKE ' . db_input('%"vanished.txt"%NoSuchKey%'));
    Suite::check(count($logged) === 1, 'the system log names the file', json_encode(rows('SELECT title, log FROM ' . SYSLOG_TABLE . ' WHERE log_type=\'Error\'')));
});

test('file.php&s= (thumbnails, AttachmentFile::display): scaled from getData(), or streamed', function () {
    use_storage('3');
    // 200 x 100: scaled to 64 wide by osTicket (gd) from the bytes getData() read.
    $image = imagecreatetruecolor(200, 100);
    imagefill($image, 0, 0, imagecolorallocate($image, random_int(0, 255), random_int(0, 255), 200));
    ob_start();
    imagepng($image);
    $png = ob_get_clean();
    $info = ['name' => 'wide.png', 'type' => 'image/png', 'data' => $png];
    $wide = AttachmentFile::create($info);
    $page = http_request('GET', fresh_file((int) $wide->getId())->getDownloadUrl() . '&s=64');
    Suite::same(200, $page['status'], 'file.php answers with the thumbnail');
    Suite::same('', $page['error'], 'a complete response');
    $size = @getimagesizefromstring($page['body']);
    Suite::same([64, 32], $size ? [$size[0], $size[1]] : null, 'a 64 x 32 PNG made from the original');
    // A 1 x 1 image is not scaled: display() marks it cacheable for a day,
    // then asks sendRedirectUrl('inline', false). A 302 browsers may keep
    // for a day must not point at a URL that expires sooner: it is streamed.
    [$row, $bytes] = api_file('pixel.png');
    $page = http_request('GET', fresh_file((int) $row['id'])->getDownloadUrl() . '&s=64');
    Suite::same(200, $page['status'], 'a small image is streamed, not redirected');
    Suite::same('', $page['error'], 'a complete response (display() had sent a Content-Length)');
    Suite::same(sha1($bytes), sha1($page['body']), 'its bytes, from S3');
    Suite::same((string) strlen($bytes), $page['headers']['content-length'] ?? null, 'Content-Length of the body sent');
    Suite::same('private, max-age=86400', $page['headers']['cache-control'] ?? null, 'cacheable as osTicket meant it');
    Suite::same(null, $page['headers']['content-disposition'] ?? null, 'no Content-Disposition, as display() sends none');
    Suite::same("default-src 'self'", $page['headers']['content-security-policy'] ?? null,
        'display()\'s Content-Security-Policy kept');
    $wide->delete();
});

test('file.php, proxy mode: a store failing mid-body leaves an answer the client sees cut short, never one that looks complete', function () {
    download_mode('proxy');
    use_storage('3');
    $bytes = unique_bytes(3 << 20, 'cut-mid-body');
    $info = ['name' => 'cut.bin', 'type' => 'application/octet-stream', 'data' => $bytes];
    $file = AttachmentFile::create($info);
    $proxy = new FaultProxy('--reset-response-after', (string) (1 << 20));
    try {
        $page = with_endpoint($proxy->endpoint(), function () use ($file) {
            return http_request('GET', fresh_file((int) $file->getId())->getDownloadUrl());
        });
    } finally {
        $stats = $proxy->stop();
    }
    Suite::same(1, $stats['faults'] ?? null, 'the store\'s answer was cut once');
    Suite::same(200, $page['status'], 'the answer had begun');
    Suite::same((string) strlen($bytes), $page['headers']['content-length'] ?? null, 'announcing the whole length');
    Suite::check(strlen($page['body']) > 0 && strlen($page['body']) < strlen($bytes), 'the body stops short',
        strlen($page['body']) . ' of ' . strlen($bytes));
    Suite::same(substr($bytes, 0, strlen($page['body'])), $page['body'], 'what came is the file\'s beginning');
    Suite::check($page['error'] !== '', 'the client knows the transfer is incomplete', $page['error']);
    $logged = rows('SELECT log FROM ' . SYSLOG_TABLE . ' WHERE title=' . db_input(S3Native\ReadFailed::class
        . ': Unable to read attachment from S3') . ' AND log LIKE ' . db_input('%"cut.bin"%'));
    Suite::same(1, count($logged), 'the system log names the file once');
    $file->delete();
    download_mode('redirect');
});

test('file.php, both modes: a file attached again under another name downloads under that name', function () {
    [$row, $bytes] = api_file('notes é.txt');
    // What osTicket stores when the same content is attached under another
    // name: one ost_file, an attachment row carrying its own name.
    db_query('INSERT INTO ' . ATTACHMENT_TABLE . " (object_id, type, file_id, name, inline) VALUES (987654, 'T', "
        . (int) $row['id'] . ", 'renamed copy é.txt', 0)");
    $attachmentId = (int) db_insert_id();
    try {
        $url = fresh_file((int) $row['id'])->getDownloadUrl(['id' => $attachmentId]);
        $renamed = "filename*=UTF-8''renamed%20copy%20%C3%A9.txt";
        download_mode('proxy');
        $page = http_request('GET', $url);
        Suite::same([200, sha1($bytes)], [$page['status'], sha1($page['body'])], 'proxy mode: the file\'s bytes');
        Suite::contains($renamed, $page['headers']['content-disposition'] ?? '', 'proxy mode: under the attachment\'s name');
        $plain = http_request('GET', fresh_file((int) $row['id'])->getDownloadUrl());
        Suite::contains("filename*=UTF-8''notes%20%C3%A9.txt", $plain['headers']['content-disposition'] ?? '',
            'a link without the attachment: the file\'s own name');
        download_mode('redirect');
        $page = http_request('GET', $url);
        Suite::same(302, $page['status'], 'redirect mode: file.php redirects');
        $object = http_request('GET', $page['headers']['location'] ?? '');
        Suite::same([200, sha1($bytes)], [$object['status'], sha1($object['body'])], 'redirect mode: S3 serves the bytes');
        Suite::contains($renamed, $object['headers']['content-disposition'] ?? '', 'redirect mode: under the attachment\'s name');
    } finally {
        db_query('DELETE FROM ' . ATTACHMENT_TABLE . " WHERE id = $attachmentId");
    }
});
