<?php
/*
 * What the tests of bin/s3-attachments share: running the command as an
 * admin does (the plugin's copy in include/plugins/s3-native/bin/, the
 * helpdesk's CLI PHP, from another working directory), files made in the
 * database through osTicket's own AttachmentFile::create(), and the state
 * the migration must leave (journal, open multipart uploads, stray objects).
 */

/**
 * @param array<string, string> $env extra environment (e.g. the test failpoint)
 * @return array{exit: int, out: string, err: string, json: ?array, signal: ?int}
 */
function s3a(array $args, array $env = []): array
{
    $cmd = array_merge([env('OST_PHP'), env('OST_ROOT') . '/include/plugins/s3-native/bin/s3-attachments'], $args);
    $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, sys_get_temp_dir(),
        array_merge(getenv(), $env));
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    $exit = proc_close($proc);
    $json = json_decode($out, true);
    // proc_close() gives the raw wait status of a process killed by a
    // signal: its number (the commands themselves exit 0 to 4).
    $signal = $exit > 4 && $exit < 128 ? $exit : null;
    return ['exit' => $exit, 'out' => $out, 'err' => $err, 'json' => is_array($json) ? $json : null,
        'signal' => $signal];
}

/** A file stored in the database backend through osTicket's own create() (an e-mail attachment's path). */
function db_file(string $name, string $bytes, string $type = 'application/octet-stream'): int
{
    use_storage('D');
    $info = ['name' => $name, 'type' => $type, 'data' => $bytes];
    $file = AttachmentFile::create($info);
    if (!$file) {
        throw new RuntimeException("AttachmentFile::create() refused $name");
    }
    return (int) $file->getId();
}

/** Rows of the migration journal (interrupted moves). */
function journal_ids(): array
{
    return array_map('intval', array_column(rows('SELECT `key` FROM ' . CONFIG_TABLE
        . " WHERE namespace='s3-native.moving'"), 'key'));
}

/** Checks that a file moved to S3 whole: row, object bytes and headers, no chunk left. */
function moved_to_s3(int $id, string $bytes, string $what): void
{
    $row = file_row($id);
    Suite::same('3', $row['bk'] ?? null, "$what: ost_file.bk is 3");
    Suite::same(['bucket' => bucket(), 'folder' => env('OST_S3_FOLDER')], json_decode((string) ($row['attrs'] ?? ''), true),
        "$what: attrs name bucket and folder");
    Suite::same(sha1($bytes), sha1((string) object_bytes(object_key_for($row))), "$what: the object holds the bytes");
    $head = s3()->head(object_key_for($row));
    Suite::same($row['type'], $head['content_type'] ?? null, "$what: Content-Type is the file's type, as the plugin writes it");
    Suite::same('private, max-age=86400', $head['cache_control'] ?? null, "$what: Cache-Control as the plugin writes it");
    Suite::same(0, (int) rows('SELECT COUNT(*) AS n FROM ' . FILE_CHUNK_TABLE . ' WHERE file_id=' . $id)[0]['n'],
        "$what: no chunk left in the database");
}

/** Checks that a file is in the database whole (as osTicket lays it out) and has no object. */
function kept_in_db(int $id, string $bytes, string $what, bool $noObject = true): void
{
    $row = file_row($id);
    Suite::same('D', $row['bk'] ?? null, "$what: ost_file.bk is D");
    Suite::same(sha1($bytes), sha1(file_db_bytes($id)), "$what: the database holds the bytes");
    if ($noObject) {
        Suite::same(null, s3()->head(object_key_for($row)), "$what: no object in the bucket");
    }
}

/** Chunk lengths of a file, in chunk order. */
function chunk_lengths(int $id): array
{
    return array_map('intval', array_column(rows('SELECT LENGTH(filedata) AS n FROM ' . FILE_CHUNK_TABLE
        . ' WHERE file_id=' . $id . ' ORDER BY chunk_id'), 'n'));
}

/** Deletes these files through osTicket (rows, chunks or objects), those still there. */
function delete_files(array $ids): void
{
    foreach ($ids as $id) {
        if (file_row($id)) {
            fresh_file($id)->delete();
        }
    }
}

/** Alters the first byte of a database file, as a bad disk would: its chunks no longer match its signature. */
function alter_first_byte(int $id): void
{
    db_query('UPDATE ' . FILE_CHUNK_TABLE . " SET filedata = CONCAT('X', SUBSTRING(filedata, 2)) WHERE file_id = $id"
        . ' AND chunk_id = 0');
}
