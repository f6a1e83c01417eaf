<?php
/*
 * Deletes through osTicket's own paths: AttachmentFile::delete() (the row
 * first, then unlink()), and a deleted ticket whose files become orphans
 * that osTicket's cron task removes a day later.
 */

function new_s3_file(string $name): array
{
    use_storage('3');
    $bytes = unique_bytes(50000, $name);
    $info = ['name' => $name, 'type' => 'text/plain', 'data' => $bytes];
    $file = AttachmentFile::create($info);
    $row = file_row((int) $file->getId());
    if ($row['bk'] !== '3') {
        throw new RuntimeException("$name was not stored in S3 (bk={$row['bk']})");
    }
    return [$file, $row];
}

test('AttachmentFile::delete() removes the row and the object', function () {
    [$file, $row] = new_s3_file('delete-me.txt');
    $key = object_key_for($row);
    Suite::check(s3()->head($key) !== null, 'the object exists before');
    Suite::same(true, (bool) $file->delete(), 'delete() succeeds');
    Suite::same(null, file_row((int) $row['id']), 'the row is gone');
    Suite::same(null, s3()->head($key), 'the object is gone');
});

test('AttachmentFile::delete() of a file whose object is already gone succeeds', function () {
    [$file, $row] = new_s3_file('already-gone.txt');
    s3()->delete(object_key_for($row));
    Suite::same(true, (bool) $file->delete(), 'delete() succeeds');
    Suite::same(null, file_row((int) $row['id']), 'the row is gone');
});

test('a deleted ticket\'s attachments: orphans removed from S3 by cron (Cron::CleanOrphanedFiles)', function () {
    use_storage('3');
    $bytes = unique_bytes(40000, 'ticket');
    [$status, $number] = api_ticket('To be deleted ' . bin2hex(random_bytes(4)),
        ['doomed.txt' => ['text/plain', $bytes]]);
    Suite::same(201, $status, 'the ticket is created', $number);
    $row = ticket_files($number)['doomed.txt'] ?? null;
    if (!$row) {
        throw new RuntimeException('the ticket has no attachment row');
    }
    $key = object_key_for($row);
    Suite::same(sha1($bytes), sha1((string) object_bytes($key)), 'its attachment is in S3');
    Suite::same(true, (bool) Ticket::lookupByNumber($number)->delete(), 'Ticket::delete() succeeds');
    Suite::check(file_row((int) $row['id']) !== null, 'the file stays a day as an orphan');
    Suite::check(s3()->head($key) !== null, 'and so does its object');
    db_query('UPDATE ' . FILE_TABLE . ' SET created = NOW() - INTERVAL 2 DAY WHERE id=' . db_input($row['id']));
    require_once INCLUDE_DIR . 'class.cron.php';
    Cron::CleanOrphanedFiles();
    Suite::same(null, file_row((int) $row['id']), 'cron removes the row');
    Suite::same(null, s3()->head($key), 'and the object');
});
