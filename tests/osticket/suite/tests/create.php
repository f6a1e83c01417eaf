<?php
/*
 * New files with Store Attachments = S3 (default_storage_bk=3), created by
 * osTicket's own code: the JSON API (a ticket with attachments, over HTTP
 * through Apache), AttachmentFile::create() with the content (the e-mail
 * path: one write() then flush()) and with a path (web uploads and
 * `file load`: upload()). Each must land in the bucket under FOLDER/KEY
 * with ost_file.bk='3' and attrs naming bucket and folder.
 */

/** The ost_file rows attached to a ticket's thread, by file name. */
function ticket_files(string $number): array
{
    $files = [];
    foreach (rows('SELECT f.* FROM ' . FILE_TABLE . ' f'
        . ' JOIN ' . ATTACHMENT_TABLE . ' a ON a.file_id=f.id AND a.type=\'H\''
        . ' JOIN ' . THREAD_ENTRY_TABLE . ' e ON e.id=a.object_id'
        . ' JOIN ' . THREAD_TABLE . ' t ON t.id=e.thread_id AND t.object_type=\'T\''
        . ' JOIN ' . TICKET_TABLE . ' k ON k.ticket_id=t.object_id'
        . ' WHERE k.number=' . db_input($number)) as $row) {
        $files[$row['name']] = $row;
    }
    return $files;
}

/** POST /api/tickets.json with the API key the set-up made; returns [HTTP status, body]. */
function api_ticket(string $subject, array $attachments): array
{
    $key = rows('SELECT apikey FROM ' . API_KEY_TABLE . ' WHERE ipaddr=\'127.0.0.1\' AND isactive=1')[0]['apikey'] ?? '';
    $list = [];
    foreach ($attachments as $name => [$type, $data]) {
        $list[] = [$name => 'data:' . $type . ';base64,' . base64_encode($data)];
    }
    $answer = http_request('POST', '/api/tickets.json', ['X-API-Key: ' . $key, 'Content-Type: application/json'],
        json_encode([
            'name' => 'Test Requester',
            'email' => 'requester@example.test',
            'subject' => $subject,
            'message' => 'data:text/plain,' . rawurlencode("Body of $subject"),
            'attachments' => $list,
        ]));
    return [$answer['status'], trim($answer['body'])];
}

/** Everything that proves one file is stored in S3 as the official plugin's layout says. */
function check_in_s3(array $row, string $bytes, string $type): void
{
    $name = $row['name'];
    Suite::same('3', $row['bk'], "$name: ost_file.bk is 3");
    Suite::same(['bucket' => bucket(), 'folder' => env('OST_S3_FOLDER')], json_decode((string) $row['attrs'], true),
        "$name: ost_file.attrs names bucket and folder");
    Suite::same(strlen($bytes), (int) $row['size'], "$name: ost_file.size");
    $key = object_key_for($row);
    $head = s3()->head($key);
    Suite::check($head !== null, "$name: the object is at FOLDER/KEY ($key)");
    if ($head) {
        Suite::same($type, $head['content_type'] ?? null, "$name: stored with the file's Content-Type");
        Suite::same('private, max-age=86400', $head['cache_control'] ?? null, "$name: stored with Cache-Control");
    }
    Suite::same(sha1($bytes), sha1((string) object_bytes($key)), "$name: the object holds the file's bytes");
    Suite::same('', file_db_bytes((int) $row['id']), "$name: nothing of it in the database");
}

test('API: a ticket with attachments, over HTTP, stores them in S3', function () {
    use_storage('3');
    $png = base64_decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==')
        . "\0" . random_bytes(16); // trailing bytes keep it unique, and still a PNG
    $files = [
        'notes é.txt' => ['text/plain', unique_bytes(70000, 'api text')],
        'pixel.png' => ['image/png', $png],
        'page.html' => ['text/html', '<html><body>' . bin2hex(random_bytes(32)) . '</body></html>'],
    ];
    [$status, $number] = api_ticket('API attachments ' . bin2hex(random_bytes(4)), $files);
    Suite::same(201, $status, 'POST /api/tickets.json creates the ticket', $number);
    Suite::check(ctype_digit($number), 'the API answers with the ticket number', $number);
    $rows = ticket_files($number);
    Suite::same(array_keys($files), array_keys($rows), 'every attachment has an ost_file row');
    foreach ($files as $name => [$type, $bytes]) {
        if (isset($rows[$name])) {
            check_in_s3($rows[$name], $bytes, $type);
        }
    }
    Shared::$values['api_ticket'] = $number;
    Shared::$values['api_files'] = $rows;
    Shared::$values['api_bytes'] = array_map(function ($f) { return $f[1]; }, $files);
});

test('e-mail piped to api/pipe.php: its attachment is stored in S3', function () {
    use_storage('3');
    $bytes = unique_bytes(90000, 'piped');
    $subject = 'Piped ' . bin2hex(random_bytes(4));
    $boundary = 'b' . bin2hex(random_bytes(8));
    $message = "From: Mail Sender <sender@example.test>\r\nTo: support@helpdesk.test\r\n"
        . "Subject: $subject\r\nMessage-ID: <" . bin2hex(random_bytes(8)) . "@example.test>\r\n"
        . "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"$boundary\"\r\n\r\n"
        . "--$boundary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease see the attached scan.\r\n"
        . "--$boundary\r\nContent-Type: application/pdf; name=\"scan.pdf\"\r\n"
        . "Content-Disposition: attachment; filename=\"scan.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        . chunk_split(base64_encode($bytes), 76, "\r\n") . "--$boundary--\r\n";
    $proc = proc_open([env('OST_PHP'), 'api/pipe.php'], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
        $pipes, env('OST_ROOT'));
    fwrite($pipes[0], $message);
    fclose($pipes[0]);
    $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
    $exit = proc_close($proc);
    Suite::same(0, $exit, 'pipe.php accepts the message (exit 0, as an MTA expects)', $out);
    $number = rows('SELECT number FROM ' . TICKET_TABLE . ' k JOIN ' . TICKET_CDATA_TABLE . ' c ON c.ticket_id=k.ticket_id'
        . ' WHERE c.subject=' . db_input($subject))[0]['number'] ?? '';
    $row = ticket_files((string) $number)['scan.pdf'] ?? null;
    Suite::check($row !== null, 'the ticket has the attachment', "ticket '$number'");
    if ($row) {
        check_in_s3($row, $bytes, 'application/pdf');
    }
});

test('AttachmentFile::create with the content (e-mail path), 6 MiB: stored in S3', function () {
    use_storage('3');
    $bytes = unique_bytes(6 * 1024 * 1024 + 123, 'mail');
    $info = ['name' => 'large-mail.bin', 'type' => 'application/octet-stream', 'data' => $bytes];
    $file = AttachmentFile::create($info);
    Suite::check($file instanceof AttachmentFile, 'osTicket creates the file');
    if ($file) {
        check_in_s3(file_row((int) $file->getId()), $bytes, 'application/octet-stream');
        Shared::$values['large_file'] = [(int) $file->getId(), $bytes];
    }
});

test('manage.php file load --to 3 -f PATH (upload() from a path, as web uploads): stored in S3', function () {
    // AttachmentFile::upload() only takes PHP's own upload temp files
    // (is_uploaded_file), so the path goes through the CLI's file load,
    // which hands it to the backend's upload() just the same.
    use_storage('D');
    $bytes = unique_bytes(300000, 'upload');
    $info = ['name' => 'upload.pdf', 'type' => 'application/pdf', 'data' => $bytes];
    $file = AttachmentFile::create($info);
    Suite::same('D', file_row((int) $file->getId())['bk'], 'created in the database first');
    $path = tempnam(sys_get_temp_dir(), 'ost-upload');
    file_put_contents($path, $bytes);
    try {
        $run = manage('file', 'load', '-F', (string) $file->getId(), '--to', '3', '-f', $path);
    } finally {
        unlink($path);
    }
    Suite::same(0, $run['exit'], 'file load exits 0', $run['err']);
    Suite::contains('Successfully saved contents', $run['out'], 'file load says it saved');
    $row = file_row((int) $file->getId());
    Suite::same('3', $row['bk'], 'ost_file.bk is 3');
    // osTicket's file load updates neither attrs nor size: the plugin reads
    // such a row at the configured bucket and folder.
    $key = object_key_for($row);
    Suite::same(sha1($bytes), sha1((string) object_bytes($key)), "the object at $key holds the bytes");
    Suite::same('', file_db_bytes((int) $row['id']), 'the database copy is gone');
    Suite::same(sha1($bytes), sha1(fresh_file((int) $row['id'])->getData()), 'getData() reads it back');
    Shared::$values['upload_file'] = [(int) $row['id'], $bytes];
});
