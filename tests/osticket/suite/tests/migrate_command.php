<?php
/*
 * `php include/plugins/s3-native/bin/s3-attachments migrate`: files made by
 * osTicket's own create() in the database, moved to S3 and back, every
 * byte checked in the database and in the bucket, the bad cases reported
 * and left where they were.
 */

require_once dirname(__DIR__) . '/s3a_command.php';
require_once dirname(__DIR__, 3) . '/support/RequestRecorder.php';

test('s3-attachments --help lists its commands; wrong options change nothing', function () {
    $help = s3a(['--help']);
    Suite::same(0, $help['exit'], '--help exits 0');
    Suite::contains('migrate', $help['out'], 'lists migrate');
    Suite::contains('audit', $help['out'], 'lists audit');
    $usage = s3a(['migrate', '--help']);
    Suite::contains('--max-seconds', $usage['out'], 'migrate --help lists its options');
    $bad = s3a(['migrate', '--to', 'X']);
    Suite::same(2, $bad['exit'], 'an unknown target: exit 2');
    Suite::contains('--to must be 3', $bad['err'], 'saying which targets exist');
    $typo = s3a(['migrate', '--to', '3', '--job', '4']);
    Suite::same(2, $typo['exit'], 'a mistyped option is refused, not ignored');
    Suite::contains('unknown option --job', $typo['err'], 'naming it');

    // As the Debian package installs it: the plugin's files elsewhere, a
    // symlink in include/plugins/. The helpdesk is found from the path called.
    $elsewhere = sys_get_temp_dir() . '/s3a-plugin-' . bin2hex(random_bytes(4));
    mkdir($elsewhere);
    exec('cp -r ' . escapeshellarg(env('OST_ROOT') . '/include/plugins/s3-native/.') . ' ' . escapeshellarg($elsewhere));
    $link = env('OST_ROOT') . '/include/plugins/s3-linked';
    symlink($elsewhere, $link);
    try {
        $proc = proc_open([env('OST_PHP'), 'include/plugins/s3-linked/bin/s3-attachments', 'migrate', '--to', '3', '--dry-run', '--json'],
            [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, env('OST_ROOT'));
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        Suite::same(0, proc_close($proc), 'through a symlinked plugin folder, the helpdesk is found', $err);
        Suite::check(isset(json_decode($out, true)['selected']), 'and the dry run answers', $out);
    } finally {
        unlink($link);
        exec('rm -rf ' . escapeshellarg($elsewhere));
    }
    $noRoot = s3a(['migrate', '--to', '3', '--root', sys_get_temp_dir()]);
    Suite::same(2, $noRoot['exit'], '--root that is not a helpdesk: exit 2');
    Suite::contains('is not an osTicket folder', $noRoot['err'], 'saying so');
});

test('migrate --to 3: good files move verified, damaged ones stay and are named with the reason', function () {
    $files = [
        'note.txt' => [unique_bytes(3000, 'mc'), 'text/plain'],
        'exact-2-chunks.bin' => [unique_bytes(2 * 512000, 'mc'), 'application/octet-stream'],
        'ends-in-zero.bin' => [unique_bytes(512000, 'mc') . '0', 'application/octet-stream'],
        'big-40MiB.bin' => [unique_bytes(40 << 20, 'mc'), 'application/zip'],
        'missing-chunk.bin' => [unique_bytes(1300000, 'mc'), 'application/pdf'],
        'altered-chunk.bin' => [unique_bytes(700000, 'mc'), 'image/png'],
    ];
    $ids = [];
    foreach ($files as $name => [$bytes, $type]) {
        $ids[$name] = db_file($name, $bytes, $type);
        if ($name !== 'ends-in-zero.bin') {
            Suite::same(array_map('strlen', str_split($bytes, 512000)), chunk_lengths($ids[$name]),
                "$name: osTicket stored it in 500 KiB chunks");
        }
    }
    // osTicket's backend D never writes a last chunk that is "0", and
    // create() then records the size of what it wrote.
    Suite::same([512000], chunk_lengths($ids['ends-in-zero.bin']), 'ends-in-zero.bin: osTicket dropped its last byte');
    Suite::same('512000', file_row($ids['ends-in-zero.bin'])['size'], 'and recorded 512000 bytes');
    // Damage two of them, as a crashed restore or a bad disk would.
    db_query('DELETE FROM ' . FILE_CHUNK_TABLE . ' WHERE file_id=' . $ids['missing-chunk.bin'] . ' AND chunk_id=1');
    alter_first_byte($ids['altered-chunk.bin']);
    $damaged = ['missing-chunk.bin' => file_db_bytes($ids['missing-chunk.bin']),
        'altered-chunk.bin' => file_db_bytes($ids['altered-chunk.bin'])];
    $list = implode(',', $ids);

    $dry = s3a(['migrate', '--to', '3', '--file-id', $list, '--dry-run', '--json']);
    Suite::same(0, $dry['exit'], 'dry run exits 0');
    $expectedBytes = array_sum(array_map(function ($f) { return strlen($f[0]); }, $files));
    Suite::same(count($files), $dry['json']['selected'] ?? null, 'dry run counts the files');
    Suite::same($expectedBytes - 1, $dry['json']['bytes_selected'] ?? null, 'dry run counts their bytes (ost_file.size)');
    Suite::same(0, $dry['json']['moved'] ?? null, 'dry run moves nothing');
    foreach ($ids as $name => $id) {
        Suite::same('D', file_row($id)['bk'], "dry run: $name still in D");
    }
    Suite::same([], store_keys(env('OST_S3_FOLDER') . '/'), 'dry run: nothing written to the bucket');

    $run = s3a(['migrate', '--to', '3', '--file-id', $list, '--jobs', '4', '--json']);
    Suite::same(1, $run['exit'], 'exit 1: some files failed');
    $json = $run['json'] ?? [];
    foreach (['selected', 'moved', 'skipped', 'failed', 'bytes_selected', 'bytes_moved', 'bytes_freed', 'seconds', 'failures'] as $k) {
        Suite::check(array_key_exists($k, $json), "--json has $k", $run['out']);
    }
    Suite::same(6, $json['selected'] ?? null, 'selected 6');
    Suite::same(4, $json['moved'] ?? null, 'moved 4');
    Suite::same(2, $json['failed'] ?? null, 'failed 2');
    Suite::same(0, $json['skipped'] ?? null, 'skipped 0');
    $movedBytes = strlen($files['note.txt'][0]) + 2 * 512000 + 512001 + (40 << 20);
    Suite::same($movedBytes, $json['bytes_moved'] ?? null, 'bytes_moved');
    Suite::same($movedBytes - 1, $json['bytes_freed'] ?? null, 'bytes_freed: their chunks are gone');
    Suite::contains('its last byte, a "0", had been dropped', $run['err'], 'the repair of ends-in-zero.bin is reported');
    Suite::same('512001', file_row($ids['ends-in-zero.bin'])['size'], 'ends-in-zero.bin: its size corrected to 512001');
    $reasons = [];
    foreach ($json['failures'] ?? [] as $f) {
        Suite::same(['id', 'name', 'reason'], array_keys($f), 'a failure is {id, name, reason}');
        $reasons[$f['name']] = [$f['id'], $f['reason']];
    }
    Suite::same($ids['missing-chunk.bin'], $reasons['missing-chunk.bin'][0] ?? null, 'the file with a missing chunk is named by id');
    Suite::contains('chunk 1 of this file is missing', $reasons['missing-chunk.bin'][1] ?? '', 'with the missing chunk as reason');
    Suite::contains('do not match ost_file.signature', $reasons['altered-chunk.bin'][1] ?? '', 'the altered file: signature mismatch');
    Suite::contains('FAILED file ' . $ids['altered-chunk.bin'] . ' "altered-chunk.bin"', $run['err'], 'the summary on stderr names it too');
    Suite::contains('OPTIMIZE TABLE', $run['err'], 'the summary advises OPTIMIZE TABLE to give the space back');

    foreach (['note.txt', 'exact-2-chunks.bin', 'ends-in-zero.bin', 'big-40MiB.bin'] as $name) {
        moved_to_s3($ids[$name], $files[$name][0], $name);
    }
    foreach ($damaged as $name => $bytes) {
        kept_in_db($ids[$name], $bytes, "$name (left as it was)");
    }
    Suite::same([], journal_ids(), 'no interrupted move is left in the journal');
    Suite::same([], store_open_uploads(env('OST_S3_FOLDER') . '/'), 'no multipart upload is left open');
    Shared::$values['mc_ids'] = $ids;
    Shared::$values['mc_files'] = $files;
    // The damaged ones are not this test's to keep.
    foreach ($damaged as $name => $bytes) {
        fresh_file($ids[$name])->delete();
    }
});

test('an API ticket\'s attachments kept in the database move to S3 and stay attached', function () {
    use_storage('D');
    $key = rows('SELECT apikey FROM ' . API_KEY_TABLE . " WHERE ipaddr='127.0.0.1' AND isactive=1")[0]['apikey'] ?? '';
    $files = ['report.pdf' => ['application/pdf', unique_bytes(900000, 'api')], 'notes.txt' => ['text/plain', unique_bytes(2000, 'api')]];
    $list = [];
    foreach ($files as $name => [$type, $data]) {
        $list[] = [$name => 'data:' . $type . ';base64,' . base64_encode($data)];
    }
    $answer = http_request('POST', '/api/tickets.json', ['X-API-Key: ' . $key, 'Content-Type: application/json'],
        json_encode(['name' => 'Requester', 'email' => 'requester@example.test', 'subject' => 'migrate me',
            'message' => 'data:text/plain,body', 'attachments' => $list]));
    Suite::same(201, $answer['status'], 'the API took the ticket', $answer['body']);
    $number = trim($answer['body']);
    $rows = rows('SELECT f.* FROM ' . FILE_TABLE . ' f JOIN ' . ATTACHMENT_TABLE . " a ON a.file_id=f.id AND a.type='H'"
        . ' JOIN ' . THREAD_ENTRY_TABLE . ' e ON e.id=a.object_id JOIN ' . THREAD_TABLE . " t ON t.id=e.thread_id AND t.object_type='T'"
        . ' JOIN ' . TICKET_TABLE . ' k ON k.ticket_id=t.object_id WHERE k.number=' . db_input($number));
    Suite::same(['D', 'D'], array_column($rows, 'bk'), 'its two attachments are in the database');
    $run = s3a(['migrate', '--to', '3', '--file-id', implode(',', array_column($rows, 'id')), '--json']);
    Suite::same([0, 2], [$run['exit'], $run['json']['moved'] ?? null], 'both move', $run['err']);
    foreach ($rows as $row) {
        moved_to_s3((int) $row['id'], $files[$row['name']][1], $row['name']);
        Suite::same(sha1($files[$row['name']][1]), sha1(fresh_file((int) $row['id'])->getData()),
            $row['name'] . ': osTicket reads it from S3 (e-mail, PDF, zip export)');
    }
    Ticket::lookupByNumber($number)->delete();
    foreach ($rows as $row) {
        if (file_row((int) $row['id'])) {
            fresh_file((int) $row['id'])->delete();
        }
    }
});

test('migrate --to 3 with the Integrity check on MD5, then None: confirmed by the MD5 the store gave, else read back', function () {
    foreach (['md5', 'none'] as $mode) {
        $recorder = new RequestRecorder();
        $errors = [];
        $saved = plugin_form_update(s3_instance(), plugin_form_values(['checksums' => $mode,
            'endpoint' => $recorder->endpoint(), 'secret-access-key' => '']), $errors);
        Suite::check($saved, "Integrity check set to $mode (the store behind a request recorder)", json_encode($errors));
        try {
            $small = unique_bytes(30000, "integrity-$mode");
            $large = unique_bytes((16 << 20) + 1000, "integrity-large-$mode"); // above 16 MiB: multipart, no MD5 of the whole
            $files = [db_file("integrity-$mode.bin", $small) => $small, db_file("integrity-large-$mode.bin", $large) => $large];
            $run = s3a(['migrate', '--to', '3', '--file-id', implode(',', array_keys($files)), '--json']);
            Suite::same([0, 2], [$run['exit'], $run['json']['moved'] ?? null], "$mode: both moved", $run['err']);
            [$smallId, $largeId] = array_keys($files);
            foreach ($files as $id => $bytes) {
                moved_to_s3($id, $bytes, "$mode: file $id");
            }
            Suite::same($mode === 'md5' ? 0 : 1, store_gets($recorder, object_key_for(file_row($smallId))),
                "$mode: the small file " . ($mode === 'md5' ? 'confirmed by its MD5, not read back' : 'read back once'));
            Suite::check(store_gets($recorder, object_key_for(file_row($largeId))) >= 1,
                "$mode: the multipart copy read back (no MD5 of a whole multipart object)");
        } finally {
            $errors = [];
            plugin_form_update(s3_instance(), plugin_form_values(['secret-access-key' => '']), $errors);
            $recorder->stop();
        }
        delete_files(array_keys($files));
    }
});

test('migrate --to 3 and back with the README\'s minimal policy (object read, write and delete; no List)', function () {
    $errors = [];
    $limited = limited_plugin_credentials();
    Suite::check(plugin_form_update(s3_instance(), plugin_form_values($limited), $errors),
        'the plugin saved with an identity that may read, write and delete objects, not list', json_encode($errors));
    try {
        $small = unique_bytes(40000, 'least-privilege');
        $large = unique_bytes((16 << 20) + 3000, 'least-privilege-large'); // a multipart upload, read back in parts
        $files = [db_file('least-privilege.bin', $small) => $small, db_file('least-privilege-large.bin', $large) => $large];
        $ids = implode(',', array_keys($files));
        $to3 = s3a(['migrate', '--to', '3', '--file-id', $ids, '--json']);
        Suite::same([0, 2], [$to3['exit'], $to3['json']['moved'] ?? null], 'to S3: both moved', $to3['err']);
        foreach ($files as $id => $bytes) {
            moved_to_s3($id, $bytes, "to S3: file $id");
        }
        $toD = s3a(['migrate', '--to', 'D', '--file-id', $ids, '--json']);
        Suite::same([0, 2], [$toD['exit'], $toD['json']['moved'] ?? null], 'back to the database: both moved', $toD['err']);
        foreach ($files as $id => $bytes) {
            kept_in_db($id, $bytes, "back in the database: file $id");
        }
    } finally {
        $errors = [];
        Suite::check(plugin_form_update(s3_instance(), plugin_form_values(), $errors), 'the full identity saved back',
            json_encode($errors));
    }
    delete_files(array_keys($files));
});

test('migrate --to D: the way back, chunked as osTicket does, objects deleted; a file D cannot serve stays', function () {
    $ids = Shared::$values['mc_ids'] ?? null;
    $files = Shared::$values['mc_files'] ?? null;
    if (!$ids) {
        Suite::check(false, 'the files of the previous test');
        return;
    }
    // The 40 MiB file stays in S3 (its way there is the case that matters; CI time).
    $list = implode(',', [$ids['note.txt'], $ids['exact-2-chunks.bin'], $ids['ends-in-zero.bin']]);
    $keys = [];
    foreach (['note.txt', 'exact-2-chunks.bin', 'ends-in-zero.bin'] as $name) {
        $keys[$name] = object_key_for(file_row($ids[$name]));
    }
    $run = s3a(['migrate', '--to', 'D', '--file-id', $list, '--json']);
    Suite::same(1, $run['exit'], 'exit 1: one file cannot go back');
    Suite::same(2, $run['json']['moved'] ?? null, 'moved 2');
    Suite::same([$ids['ends-in-zero.bin']], array_column($run['json']['failures'] ?? [], 'id'),
        'the file of 500 KiB + 1 byte ending in "0" is refused');
    Suite::contains('one byte short', (string) ($run['json']['failures'][0]['reason'] ?? ''), 'because osTicket would serve it short');
    foreach (['note.txt', 'exact-2-chunks.bin'] as $name) {
        kept_in_db($ids[$name], $files[$name][0], "$name back in D", false);
        Suite::same(null, s3()->head($keys[$name]), "$name: its object is deleted");
        Suite::same(null, file_row($ids[$name])['attrs'], "$name: attrs cleared");
        Suite::same(array_map('strlen', str_split($files[$name][0], 512000)), chunk_lengths($ids[$name]),
            "$name: 500 KiB chunks from 0, as osTicket writes them");
        Suite::same(sha1($files[$name][0]), sha1(fresh_file($ids[$name])->getData()), "$name: osTicket reads it whole");
    }
    moved_to_s3($ids['ends-in-zero.bin'], $files['ends-in-zero.bin'][0], 'ends-in-zero.bin stays in S3');
    Suite::same([], journal_ids(), 'no interrupted move is left in the journal');
    foreach ($ids as $name => $id) {
        if (file_row($id)) {
            fresh_file($id)->delete();
        }
    }
});

test('which files: --limit, --min-size/--max-size, --from; --max-seconds stops cleanly and the next run goes on', function () {
    $files = [];
    foreach ([1000, 5000, 200000, 700000] as $size) {
        $bytes = unique_bytes($size, 'select');
        $files[db_file("select-$size.bin", $bytes)] = $bytes;
    }
    $ids = array_keys($files);
    $list = implode(',', $ids);
    $dry = function (array $more) use ($list) {
        return s3a(array_merge(['migrate', '--to', '3', '--file-id', $list, '--dry-run', '--json'], $more))['json'] ?? [];
    };
    $limited = $dry(['--limit', '2']);
    Suite::same([2, 6000], [$limited['selected'] ?? null, $limited['bytes_selected'] ?? null], '--limit 2: the first two by id');
    $sized = $dry(['--min-size', '4k', '--max-size', '300k']);
    Suite::same([2, 205000], [$sized['selected'] ?? null, $sized['bytes_selected'] ?? null], '--min-size 4k --max-size 300k');
    Suite::same(0, $dry(['--from', 'F'])['selected'] ?? null, '--from F: none of these is in backend F');
    Suite::same(['D' => ['files' => 4, 'bytes' => 906000]], $dry([])['by_source'] ?? null, 'a dry run counts per backend');

    $stopped = s3a(['migrate', '--to', '3', '--file-id', $list, '--max-seconds', '0.001', '--json']);
    Suite::same(4, $stopped['exit'], '--max-seconds spent: exit 4 (stopped early)', $stopped['err']);
    Suite::same([0, 4], [$stopped['json']['moved'] ?? null, $stopped['json']['skipped'] ?? null], 'nothing started, all skipped');
    Suite::contains('time limit', (string) ($stopped['json']['stopped'] ?? ''), 'saying why it stopped');
    Suite::same([], journal_ids(), 'stopped cleanly: nothing half-done');
    $first = s3a(['migrate', '--to', '3', '--file-id', $list, '--limit', '2', '--json']);
    Suite::same([0, 2], [$first['exit'], $first['json']['moved'] ?? null], '--limit 2 moves two and exits 0');
    Suite::same(['3', '3', 'D', 'D'], array_map(function ($id) { return file_row($id)['bk']; }, $ids), 'the first two by id');
    $rest = s3a(['migrate', '--to', '3', '--file-id', $list, '--json']);
    Suite::same([0, 2], [$rest['exit'], $rest['json']['moved'] ?? null], 'the next run moves the rest');
    foreach ($files as $id => $bytes) {
        moved_to_s3($id, $bytes, "file $id");
        fresh_file($id)->delete();
    }
});

test('a file of another backend (osTicket 1.6\'s upload folder, "6") moves through that backend\'s own read() and unlink()', function () {
    $bytes = unique_bytes(150000, 'onesix') . '0';
    $path = sys_get_temp_dir() . '/onesix-' . bin2hex(random_bytes(4)) . '.bin';
    file_put_contents($path, $bytes);
    [$key, $signature] = AttachmentFile::_getKeyAndHash($bytes);
    // As osTicket's 1.6 upgrader leaves such a file: bk 6, its path in attrs.
    db_query('INSERT INTO ' . FILE_TABLE . " SET ft='T', bk='6', type='application/pdf', size=" . strlen($bytes)
        . ', `key`=' . db_input($key) . ', signature=' . db_input($signature) . ", name='from-1.6.pdf', attrs="
        . db_input($path) . ', created=NOW()');
    $id = (int) db_insert_id();
    $run = s3a(['migrate', '--to', '3', '--file-id', (string) $id, '--json']);
    Suite::same([0, 1], [$run['exit'], $run['json']['moved'] ?? null], 'moved', $run['err']);
    moved_to_s3($id, $bytes, 'the 1.6 file');
    Suite::check(!file_exists($path), 'its old copy deleted by the backend\'s own unlink()');
    fresh_file($id)->delete();
});

test('zero-byte and "0" files: what osTicket\'s create() leaves in D, moved exactly', function () {
    // osTicket's backend D stores no chunk for either: create() returns
    // false and leaves the row, bk D, size 0, the signature of the content.
    $made = [];
    foreach (['empty' => '', 'zero' => '0'] as $label => $content) {
        $info = ['name' => "$label-" . bin2hex(random_bytes(4)) . '.txt', 'type' => 'text/plain', 'data' => $content];
        use_storage('D');
        Suite::same(false, AttachmentFile::create($info), "$label: create() returns false");
        $row = rows('SELECT * FROM ' . FILE_TABLE . ' WHERE name=' . db_input($info['name']))[0] ?? null;
        Suite::check($row !== null, "$label: and leaves a row");
        if (!$row) {
            return;
        }
        Suite::same(['D', '0'], [$row['bk'], $row['size']], "$label: in D, size 0");
        Suite::same([], chunk_lengths((int) $row['id']), "$label: no chunk");
        $made[$label] = [(int) $row['id'], $content];
    }
    $run = s3a(['migrate', '--to', '3', '--file-id', $made['empty'][0] . ',' . $made['zero'][0], '--json']);
    Suite::same(0, $run['exit'], 'both move', $run['err']);
    Suite::same(2, $run['json']['moved'] ?? null, 'moved 2');
    foreach ($made as $label => [$id, $content]) {
        moved_to_s3($id, $content, $label);
        Suite::same((string) strlen($content), file_row($id)['size'], "$label: size " . strlen($content));
        Suite::same($content, fresh_file($id)->getData(), "$label: osTicket reads the content back");
        fresh_file($id)->delete();
    }
});
