<?php
/*
 * AttachmentFile::getData(): passthru() captured with ob_start(), what
 * osTicket uses for outgoing e-mail attachments, PDF and zip export. Also
 * through osTicket's mailer: an agent's reply with attachments, e-mailed
 * (into run.sh's mail sink) with the files read back from S3.
 */

test('getData() returns the bytes of files in S3, also inside an output buffer', function () {
    [$row, $bytes] = api_file('notes é.txt');
    Suite::same(sha1($bytes), sha1(fresh_file((int) $row['id'])->getData()), 'text file');
    [$id, $large] = Shared::$values['large_file'];
    ob_start();
    $data = fresh_file($id)->getData();
    $leaked = ob_get_clean();
    Suite::same(sha1($large), sha1($data), '6 MiB file, inside an outer buffer');
    Suite::same('', $leaked, 'nothing leaks into the outer buffer');
});

/** The decoded bodies of every base64 part of a MIME message, by file name. */
function mail_attachments(string $message): array
{
    $found = [];
    foreach (preg_split('/\r?\n--[^\r\n]+/', $message) as $part) {
        if (preg_match('/filename\*?=(?:"([^"]+)"|([^;\r\n]+))/i', $part, $m)
            && preg_match('/\r?\n\r?\n(.*)$/s', $part, $body)) {
            $name = $m[1] !== '' ? $m[1] : $m[2];
            if (stripos($part, 'Content-Transfer-Encoding: base64') !== false) {
                $found[$name] = base64_decode(preg_replace('/\s+/', '', $body[1]));
            }
        }
    }
    return $found;
}

test('an agent\'s reply e-mails its attachments, read from S3 with getData()', function () {
    global $thisstaff;
    $ticket = Ticket::lookupByNumber(Shared::$values['api_ticket'] ?? '');
    if (!$ticket) {
        throw new RuntimeException('no API ticket (the API test failed)');
    }
    [$row, $bytes] = api_file('notes é.txt');
    [$largeId, $large] = Shared::$values['large_file'];
    $thisstaff = Staff::objects()->filter(['isadmin' => 1])->first();
    $before = glob(env('OST_MAIL_DIR') . '/*.eml');
    $errors = [];
    $response = $ticket->postReply(['response' => 'Here are the files again.', 'reply-to' => 'all',
        'files' => [['id' => (int) $row['id']], ['id' => $largeId]]], $errors);
    $thisstaff = null;
    Suite::check((bool) $response, 'the reply is posted', json_encode($errors));
    $new = array_values(array_diff(glob(env('OST_MAIL_DIR') . '/*.eml'), $before));
    $toUser = null;
    foreach ($new as $path) {
        $message = file_get_contents($path);
        if (preg_match('/^To: .*requester@example\.test/mi', $message)) {
            $toUser = $message;
        }
    }
    Suite::check($toUser !== null, 'an e-mail goes to the requester', count($new) . ' new messages');
    $attached = mail_attachments((string) $toUser);
    $names = array_keys($attached);
    $text = null;
    $largeCopy = null;
    foreach ($attached as $name => $data) {
        if (strlen($data) === strlen($bytes)) {
            $text = $data;
        } elseif (strlen($data) === strlen($large)) {
            $largeCopy = $data;
        }
    }
    Suite::same(sha1($bytes), sha1((string) $text), 'it carries the text file\'s bytes', json_encode($names));
    Suite::same(sha1($large), sha1((string) $largeCopy), 'and the 6 MiB file\'s bytes', json_encode($names));
});
