<?php
/*
 * `s3-attachments audit` (the plugin's admin command, run as an admin runs
 * it: the CLI PHP on bin/s3-attachments inside the installed plugin). A
 * whole store audits ok; then each finding is provoked through the path
 * that makes it in a real helpdesk (an object deleted or overwritten
 * behind osTicket's back, a migration killed before it deleted the chunks,
 * a delete killed before its unlink, an upload through the API while the
 * store is down, an object nobody's row names), and the JSON, the table
 * and the exit status are checked; `--fix` deletes the orphan chunks and
 * nothing else. Everything made here is removed at the end.
 */

require_once dirname(__DIR__, 3) . '/support/FaultProxy.php';

/**
 * bin/s3-attachments COMMAND ... as an admin runs it: the helpdesk's CLI
 * PHP on the plugin's copy, from another working directory.
 *
 * @param array<string, string> $env added to the environment
 * @return array{exit: int, out: string, err: string, json: ?array} json:
 *   stdout decoded when --json was given
 */
function audit_tool(array $args, array $env = []): array
{
    $cmd = array_merge([env('OST_PHP'), env('OST_ROOT') . '/include/plugins/s3-native/bin/s3-attachments'], $args);
    $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, sys_get_temp_dir(), array_merge(getenv(), $env));
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    $exit = proc_close($proc);
    $json = in_array('--json', $args, true) ? json_decode($out, true) : null;
    return ['exit' => $exit, 'out' => $out, 'err' => $err, 'json' => is_array($json) ? $json : null];
}

function audit_command(string ...$args): array
{
    return audit_tool(array_merge(['audit'], $args));
}

/** Findings as "kind file_id" strings (sorted), the shape most checks compare. */
function audit_kinds(array $run, ?callable $only = null): array
{
    $list = [];
    foreach ($run['json']['findings'] ?? [] as $f) {
        if (!$only || $only($f)) {
            $list[] = $f['kind'] . ' ' . ($f['file_id'] ?? '-');
        }
    }
    sort($list);
    return $list;
}

/** The one finding of a kind about a file (or an object key, for rows that do not exist). */
function audit_finding(array $run, string $kind, $fileIdOrName): ?array
{
    foreach ($run['json']['findings'] ?? [] as $f) {
        if ($f['kind'] === $kind && (is_int($fileIdOrName) ? $f['file_id'] === $fileIdOrName : $f['name'] === $fileIdOrName)) {
            return $f;
        }
    }
    return null;
}

/** Runs $body while the plugin's saved endpoint is another one (a proxy, or nothing: an outage). */
function audit_with_endpoint(string $endpoint, callable $body)
{
    $namespace = db_input(s3_instance()->getNamespace());
    $where = CONFIG_TABLE . " WHERE namespace=$namespace AND `key`='endpoint'";
    $saved = rows("SELECT value FROM $where")[0]['value'];
    db_query('UPDATE ' . CONFIG_TABLE . ' SET value=' . db_input($endpoint) . " WHERE namespace=$namespace AND `key`='endpoint'");
    try {
        return $body();
    } finally {
        db_query('UPDATE ' . CONFIG_TABLE . ' SET value=' . db_input($saved) . " WHERE namespace=$namespace AND `key`='endpoint'");
    }
}

/** Runs $body while the plugin's saved endpoint is a port where nothing answers (an outage). */
function audit_store_down(callable $body)
{
    $socket = stream_socket_server('tcp://127.0.0.1:0');
    $closed = 'http://' . stream_socket_get_name($socket, false);
    fclose($socket);
    return audit_with_endpoint($closed, function () use ($body, $closed) { return $body($closed); });
}

function audit_new_file(string $name, int $size, string $storage): array
{
    use_storage($storage);
    $bytes = unique_bytes($size, 'audit');
    $info = ['name' => $name, 'type' => 'application/octet-stream', 'data' => $bytes];
    $file = AttachmentFile::create($info);
    $row = file_row((int) $file->getId());
    Suite::same($storage, $row['bk'], "$name: stored in backend $storage");
    return [$row, $bytes];
}

/** @return array<int, int> file id => chunk rows, for the files that have any */
function audit_chunk_counts(array $ids): array
{
    $counts = [];
    foreach (rows('SELECT file_id, COUNT(*) AS n FROM ' . FILE_CHUNK_TABLE . ' WHERE file_id IN ('
        . implode(',', array_map('intval', $ids)) . ') GROUP BY file_id') as $row) {
        $counts[(int) $row['file_id']] = (int) $row['n'];
    }
    return $counts;
}

function audit_count_rows(string $table): int
{
    return (int) rows("SELECT COUNT(*) AS n FROM $table")[0]['n'];
}

test('audit: wrong options are refused (exit 2)', function () {
    $run = audit_command('--jobs', '0');
    Suite::same(2, $run['exit'], '--jobs 0: exit 2');
    Suite::contains('--jobs must be a whole number from 1 to 256', $run['err'], 'naming the option and its range');
    $run = audit_command('--list');
    Suite::same(2, $run['exit'], 'an unknown option: exit 2');
});

test('audit: a whole store audits ok (exit 0, JSON ok=true, every S3 row checked)', function () {
    [$row] = audit_new_file('audit-kept.txt', 3000, '3');
    Shared::$values['audit']['kept'] = (int) $row['id'];
    use_storage('D');
    $run = audit_command('--json');
    Suite::same(0, $run['exit'], 'exits 0', $run['err']);
    Suite::check($run['json'] !== null, 'stdout is one JSON document', $run['out']);
    Suite::same(['ok', 'findings', 'counts'], array_keys($run['json'] ?? []), 'with exactly ok, findings, counts');
    Suite::same(true, $run['json']['ok'] ?? null, 'ok is true');
    Suite::same([], $run['json']['findings'] ?? null, 'no finding');
    $inS3 = (int) rows('SELECT COUNT(*) AS n FROM ' . FILE_TABLE . " WHERE bk='3'")[0]['n'];
    Suite::same($inS3, $run['json']['counts']['files_in_s3'] ?? null, "counts.files_in_s3: all $inS3 S3 rows");
    Suite::contains('S3 rows checked', $run['err'], 'progress goes to stderr');

    $text = audit_command();
    Suite::same(0, $text['exit'], 'without --json: exits 0 too');
    Suite::contains('audit: OK, nothing wrong found.', $text['out'], 'and says so');
});

test('audit: rows of the official plugin\'s first versions (no attrs) are looked for at KEY, then FOLDER/KEY', function () {
    $rows = [];
    foreach (['folder' => 2100, 'root' => 2200, 'gone' => 2300] as $where => $size) {
        [$row, $bytes] = audit_new_file("audit-legacy-$where.txt", $size, '3');
        db_query('UPDATE ' . FILE_TABLE . ' SET attrs=NULL WHERE id=' . db_input($row['id']));
        $rows[$where] = $row;
        if ($where === 'root') { // the official plugin's current code wrote such rows at the bare KEY
            s3()->putString($row['key'], $bytes);
            s3()->delete(object_key_for($row));
        } elseif ($where === 'gone') {
            s3()->delete(object_key_for($row));
        }
    }
    use_storage('D');
    try {
        $run = audit_command('--json');
        $ids = array_map(function ($r) { return (int) $r['id']; }, $rows);
        Suite::same(['missing_object ' . $rows['gone']['id']],
            audit_kinds($run, function ($f) use ($ids) { return in_array($f['file_id'], $ids, true); }),
            'found under FOLDER/KEY and under KEY; only the one at neither is missing');
        $detail = audit_finding($run, 'missing_object', (int) $rows['gone']['id'])['detail'] ?? '';
        Suite::contains('s3://' . bucket() . '/' . $rows['gone']['key'] . ' nor at s3://' . bucket() . '/'
            . object_key_for($rows['gone']), $detail, 'naming both keys it looked at');
    } finally {
        foreach ($rows as $row) {
            fresh_file((int) $row['id'])->delete();
        }
    }
    Suite::same(null, s3()->head($rows['root']['key']), 'clean-up: the object at the bucket\'s root is deleted with its file');
});

test('audit: each kind of finding, provoked through real paths, in the JSON, the table and the exit status', function () {
    $made = &Shared::$values['audit'];
    // An object deleted behind osTicket's back, one overwritten with other bytes.
    [$missing] = audit_new_file('audit-missing.txt', 4000, '3');
    s3()->delete(object_key_for($missing));
    [$resized] = audit_new_file('audit-resized.txt', 5000, '3');
    s3()->putString(object_key_for($resized), unique_bytes(5007, 'other'));
    // A migration to S3 killed (-9) after it switched the row, before it
    // deleted the chunks: the object is whole, the chunks (two: osTicket's
    // are 500 KiB) stay, and the migration's journal remembers the move.
    [$moved, $movedBytes] = audit_new_file('audit-moved.bin', 600000, 'D');
    $killed = audit_tool(['migrate', '--to', '3', '--file-id', (string) $moved['id']],
        ['S3_ATTACHMENTS_FAILPOINT' => 'after-switch']);
    Suite::contains('failpoint after-switch', $killed['err'], 'the migration was killed after its switch', $killed['err']);
    Suite::same('3', file_row((int) $moved['id'])['bk'], 'its row is in S3');
    Suite::same(sha1($movedBytes), sha1((string) object_bytes(object_key_for($moved))), 'its object is whole');
    // A delete killed after the row went, before the database backend's unlink.
    [$rowless, $rowlessBytes] = audit_new_file('audit-rowless.txt', 30000, 'D');
    db_query('DELETE FROM ' . FILE_TABLE . ' WHERE id=' . db_input($rowless['id']));
    // An upload through the API while S3 is the default store and down:
    // osTicket keeps the file in the database and says nothing.
    use_storage('3');
    $fallbackName = 'audit-fallback-' . bin2hex(random_bytes(4)) . '.txt';
    [$status, $number] = audit_store_down(function () use ($fallbackName) {
        return api_ticket('Audit fallback', [$fallbackName => ['text/plain', unique_bytes(2000, 'fallback')]]);
    });
    Suite::same(201, $status, 'the API takes the ticket while the store is down', $number);
    $fallback = ticket_files($number)[$fallbackName] ?? null;
    Suite::same('D', $fallback['bk'] ?? null, 'its attachment silently went to the database');
    // An object no row names, and the copy of a database file that a
    // migration to S3 uploaded before it was killed (the row never switched).
    $stray = env('OST_S3_FOLDER') . '/audit-stray-' . bin2hex(random_bytes(6));
    s3()->putString($stray, unique_bytes(1234, 'stray'));
    [$copied, $copiedBytes] = audit_new_file('audit-copied.txt', 2500, 'D');
    s3()->putString(object_key_for($copied), $copiedBytes);
    use_storage('3');
    $made += ['missing' => (int) $missing['id'], 'resized' => (int) $resized['id'], 'moved' => (int) $moved['id'],
        'rowless' => (int) $rowless['id'], 'copied' => (int) $copied['id'], 'fallback' => (int) ($fallback['id'] ?? 0), 'stray' => $stray,
        'ticket' => $number, 'fallback_name' => $fallbackName, 'fallback_bytes' => file_db_bytes((int) ($fallback['id'] ?? 0))];

    $run = audit_command('--json', '--list-objects');
    Suite::same(1, $run['exit'], 'exits 1: something is wrong', $run['err']);
    Suite::same(false, $run['json']['ok'] ?? null, 'ok is false');
    // Other tests' database rows created after the first S3 file are
    // fallbacks too now that S3 is the default store (counted here on their own).
    $first = rows('SELECT id, created FROM ' . FILE_TABLE . " WHERE bk='3' ORDER BY created, id LIMIT 1")[0];
    $fallbacks = array_map(function ($r) { return 'silent_fallback ' . $r['id']; }, rows('SELECT id FROM ' . FILE_TABLE
        . " WHERE bk='D' AND (created>" . db_input($first['created']) . ' OR (created=' . db_input($first['created'])
        . ' AND id>' . db_input($first['id']) . '))'));
    $expected = array_merge($fallbacks, ['missing_object ' . $missing['id'], 'size_mismatch ' . $resized['id'],
        'orphan_chunks ' . $moved['id'], 'orphan_chunks ' . $rowless['id'], 'object_without_row -',
        'object_without_row ' . $copied['id']]);
    sort($expected);
    Suite::same($expected, audit_kinds($run), 'exactly these findings (kind, file id)');
    Suite::check(in_array('silent_fallback ' . $made['fallback'], $fallbacks, true), 'the API upload is one of the fallbacks');

    $f = audit_finding($run, 'missing_object', (int) $missing['id']);
    Suite::same('audit-missing.txt', $f['name'] ?? null, 'missing_object: names the file');
    Suite::contains('s3://' . bucket() . '/' . object_key_for($missing), $f['detail'] ?? '', 'missing_object: names the key looked at');
    $f = audit_finding($run, 'size_mismatch', (int) $resized['id']);
    Suite::contains('is 5007 bytes; ost_file.size says 5000', $f['detail'] ?? '', 'size_mismatch: both sizes');
    $f = audit_finding($run, 'orphan_chunks', (int) $moved['id']);
    Suite::contains('2 chunk rows, 600000 bytes', $f['detail'] ?? '', 'orphan chunks of the moved file: count and bytes');
    Suite::contains('backend 3', $f['detail'] ?? '', 'saying where the file is now');
    Suite::contains('A migration of file ' . $moved['id'] . ' (D to 3) was interrupted', $f['detail'] ?? '',
        'and that an interrupted migration left them');
    Suite::same(1, $run['json']['counts']['interrupted_moves'] ?? null, 'counts.interrupted_moves');
    $f = audit_finding($run, 'orphan_chunks', (int) $rowless['id']);
    Suite::contains('1 chunk row, 30000 bytes', $f['detail'] ?? '', 'orphan chunks of the deleted row: count and bytes');
    Suite::contains('no ost_file row', $f['detail'] ?? '', 'saying the row is gone');
    $f = audit_finding($run, 'object_without_row', $stray);
    Suite::contains('1234 bytes', $f['detail'] ?? '', 'object_without_row: the stray object, with its size');
    Suite::check(is_array($f) && array_key_exists('file_id', $f) && $f['file_id'] === null, 'and a null file id', json_encode($f));
    $f = audit_finding($run, 'object_without_row', (int) $copied['id']);
    Suite::contains('file ' . $copied['id'] . ' with this key is stored in backend D', $f['detail'] ?? '',
        'object_without_row: a copy of a database file names that file');
    $counts = $run['json']['counts'] ?? [];
    Suite::same(2, $counts['orphan_chunks'] ?? null, 'counts.orphan_chunks: 2 files');
    Suite::same(3, $counts['orphan_chunk_rows'] ?? null, 'counts.orphan_chunk_rows: 3');
    Suite::same(630000, $counts['orphan_chunk_bytes'] ?? null, 'counts.orphan_chunk_bytes');
    Suite::same(count($fallbacks), $counts['silent_fallback'] ?? null, 'counts.silent_fallback');
    Suite::same(count(store_keys(env('OST_S3_FOLDER') . '/')), $counts['objects_listed'] ?? null,
        'counts.objects_listed: every object under the folder');

    $text = audit_command('--list-objects');
    Suite::same(1, $text['exit'], 'without --json: exits 1 too');
    Suite::check((bool) preg_match('/^missing_object\s+' . $missing['id'] . '\s+audit-missing\.txt\s+No object at/m', $text['out']),
        'the table has a line per finding: kind, file id, name, detail', $text['out']);
    Suite::check((bool) preg_match('/^\s+orphan_chunk_bytes\s+630000$/m', $text['out']), 'and the counts', $text['out']);

    use_storage('D');
    $run = audit_command('--json');
    Suite::same([], audit_kinds($run, function ($f) { return $f['kind'] === 'silent_fallback'; }),
        'with the database as the default store, database rows are not fallbacks');
});

test('audit: a store that does not answer is "cannot check" with the reason, never "missing" (exit 1)', function () {
    $run = audit_store_down(function () { return audit_command('--json'); });
    $inS3 = array_map(function ($r) { return 'cannot_check ' . $r['id']; }, rows('SELECT id FROM ' . FILE_TABLE . " WHERE bk='3'"));
    Suite::same(1, $run['exit'], 'exits 1', $run['err']);
    $kinds = audit_kinds($run, function ($f) { return $f['kind'] !== 'orphan_chunks'; });
    sort($inS3);
    Suite::same($inS3, $kinds, 'every S3 row is cannot_check, none missing');
    $f = audit_finding($run, 'cannot_check', Shared::$values['audit']['kept']);
    Suite::contains('reachable', $f['detail'] ?? '', 'the reason says what to check');
});

test('audit against AWS\'s answers without s3:ListBucket (403 for a missing object): cannot_check, not fine, not missing', function () {
    $made = Shared::$values['audit'];
    $proxy = new FaultProxy('--missing-as-403');
    try {
        $run = audit_with_endpoint($proxy->endpoint(), function () { return audit_command('--json', '--list-objects'); });
    } finally {
        $proxy->stop();
    }
    Suite::same(1, $run['exit'], 'exits 1', $run['err']);
    $f = audit_finding($run, 'cannot_check', $made['missing']);
    Suite::contains('Without s3:ListBucket on the bucket S3 answers 403 also for an object that does not exist',
        $f['detail'] ?? '', 'the deleted object is cannot_check, saying why', json_encode($run['json']['findings'] ?? null));
    Suite::same(null, audit_finding($run, 'missing_object', $made['missing']), 'and not missing_object');
    Suite::check(audit_finding($run, 'size_mismatch', $made['resized']) !== null, 'an object that is there is still checked');
    Suite::check(audit_finding($run, 'cannot_list', 's3://' . bucket() . '/' . env('OST_S3_FOLDER') . '/') !== null,
        'the refused listing is cannot_list');
});

test('audit --list-objects without s3:ListBucket: the listing is reported refused, the rest still checked', function () {
    $errors = [];
    $limited = limited_plugin_credentials();
    Suite::check(plugin_form_update(s3_instance(), plugin_form_values($limited), $errors),
        'the plugin saved with an identity that may read and write objects, not list', json_encode($errors));
    try {
        $run = audit_command('--json', '--list-objects');
    } finally {
        $errors = [];
        Suite::check(plugin_form_update(s3_instance(), plugin_form_values(), $errors), 'the full identity saved back', json_encode($errors));
    }
    Suite::same(1, $run['exit'], 'exits 1', $run['err']);
    $f = audit_finding($run, 'cannot_list', 's3://' . bucket() . '/' . env('OST_S3_FOLDER') . '/');
    Suite::contains('needs s3:ListBucket', $f['detail'] ?? '', 'cannot_list names the permission', json_encode($run['json']['findings'] ?? null));
    Suite::check(audit_finding($run, 'missing_object', Shared::$values['audit']['missing']) !== null,
        'the object checks still ran');
    Suite::check(!array_key_exists('objects_listed', $run['json']['counts'] ?? []) || $run['json']['counts']['objects_listed'] === 0,
        'no listing counted', json_encode($run['json']['counts'] ?? null));
});

test('audit --fix while a migration holds the store lock: exit 3, nothing deleted; a read-only audit warns', function () {
    $made = Shared::$values['audit'];
    // The lock every migrate run (and --fix) takes, held here as a running migration would.
    $lock = db_input(substr('s3-attachments:' . DBNAME . ':' . TABLE_PREFIX, 0, 64));
    Suite::same('1', (string) rows("SELECT GET_LOCK($lock, 0) AS got")[0]['got'], 'the suite holds the store lock');
    try {
        $fix = audit_command('--json', '--fix');
        $read = audit_command('--json');
    } finally {
        db_query("SELECT RELEASE_LOCK($lock)");
    }
    Suite::same(3, $fix['exit'], '--fix: exit 3, the audit could not run', $fix['err']);
    Suite::contains('another s3-attachments run', $fix['err'], 'saying why');
    Suite::same('', $fix['out'], 'and printing no report');
    Suite::same(2, count(audit_chunk_counts([$made['moved'], $made['rowless']])), 'the orphan chunks are all still there');
    Suite::same(1, $read['exit'], 'a read-only audit still runs (exit 1: the findings)', $read['err']);
    Suite::contains('a migration (or audit --fix) is running now', $read['err'], 'warning that findings may be its work in progress');
});

test('audit --fix: deletes only the orphan chunks, reports what it freed, checks again', function () {
    $made = Shared::$values['audit'];
    $files = audit_count_rows(FILE_TABLE);
    $objects = store_keys(env('OST_S3_FOLDER') . '/');
    $run = audit_command('--json', '--fix', '--list-objects');
    Suite::same(1, $run['exit'], 'exits 1: the other findings remain', $run['err']);
    $counts = $run['json']['counts'] ?? [];
    Suite::same([2, 3, 630000], [$counts['freed_chunk_files'] ?? null, $counts['freed_chunk_rows'] ?? null,
        $counts['freed_chunk_bytes'] ?? null], 'freed: 2 files, 3 chunk rows, 630000 bytes');
    Suite::same([0, 0], [$counts['orphan_chunks'] ?? null, $counts['orphan_chunk_rows'] ?? null], 'none left on the re-check');
    Suite::same([], audit_kinds($run, function ($f) { return $f['kind'] === 'orphan_chunks'; }), 'no orphan_chunks finding');
    Suite::same(['missing_object ' . $made['missing'], 'object_without_row -', 'object_without_row ' . $made['copied'],
        'size_mismatch ' . $made['resized']],
        audit_kinds($run), 'the other findings are still reported');
    Suite::contains('OPTIMIZE TABLE', $run['err'], 'the admin is told how to give the space back to the disk');
    Suite::same('', file_db_bytes($made['moved']) . file_db_bytes($made['rowless']), 'the orphan chunks are gone');
    Suite::same($made['fallback_bytes'], file_db_bytes($made['fallback']), 'a database file keeps its chunks');
    Suite::same($files, audit_count_rows(FILE_TABLE), 'no ost_file row deleted');
    Suite::same($objects, store_keys(env('OST_S3_FOLDER') . '/'), 'no object deleted');
    Suite::same(sha1(fresh_file($made['moved'])->getData()), sha1((string) object_bytes(object_key_for(file_row($made['moved'])))),
        'the moved file reads from S3');
});

test('audit: clean-up of what these tests made, then the store audits ok again', function () {
    $made = Shared::$values['audit'];
    // The next migration finishes the interrupted move (its chunks are gone already) and forgets it.
    $again = audit_tool(['migrate', '--to', '3', '--file-id', (string) $made['moved'], '--json']);
    Suite::same(0, $again['exit'], 'the next migrate run finishes', $again['err']);
    Suite::same([], rows('SELECT `key` FROM ' . CONFIG_TABLE . ' WHERE namespace=' . db_input('s3-native.moving')), // the migration's journal
        'no interrupted move is left');
    foreach (['kept', 'missing', 'resized', 'moved'] as $which) {
        Suite::check((bool) fresh_file($made[$which])->delete(), "$which file deleted through osTicket");
    }
    s3()->delete($made['stray']);
    s3()->delete(object_key_for(file_row($made['copied']))); // the database backend's delete leaves it
    Suite::check((bool) fresh_file($made['copied'])->delete(), 'copied file deleted through osTicket');
    Suite::check((bool) Ticket::lookupByNumber($made['ticket'])->delete(), 'the fallback ticket deleted');
    // The failed upload's entries: provoked on purpose, so not the later log check's business.
    db_query('DELETE FROM ' . SYSLOG_TABLE . ' WHERE log LIKE ' . db_input('%' . $made['fallback_name'] . '%'));
    use_storage('D');
    $run = audit_command('--json', '--list-objects');
    Suite::same([0, true, []], [$run['exit'], $run['json']['ok'] ?? null, $run['json']['findings'] ?? null],
        'exit 0, ok, no finding', $run['err']);
});
