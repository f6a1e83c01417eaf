<?php
/*
 * s3-attachments migrate when things go wrong: killed with SIGKILL at
 * five different moments (then run again: everything moved, nothing
 * left behind), a bucket that stops taking writes mid-run, the store going
 * down mid-run, and two migrations at once.
 */

require_once dirname(__DIR__) . '/s3a_command.php';
require_once dirname(__DIR__, 3) . '/support/FaultProxy.php';

/** Runs $body with the plugin's saved endpoint set to $endpoint (what the command will boot with). */
/** @return array<int, string> id => bytes of $n new database files */
function db_files(int $n, string $label, int $size = 20000): array
{
    $made = [];
    for ($i = 0; $i < $n; $i++) {
        $bytes = unique_bytes($size, $label);
        $made[db_file("$label-$i.bin", $bytes)] = $bytes;
    }
    return $made;
}

/** No stray object: every object under the run's folder belongs to a row of backend 3 at that key. */
function check_no_stray_objects(string $what): void
{
    $expected = [];
    foreach (rows('SELECT * FROM ' . FILE_TABLE . " WHERE bk='3'") as $row) {
        $expected[] = object_key_for($row);
    }
    $stray = array_values(array_diff(store_keys(env('OST_S3_FOLDER') . '/'), $expected));
    Suite::same([], $stray, "$what: no object without a row of backend 3");
}

test('migrate --to 3 killed with SIGKILL at five moments, then run again: every file moved, nothing left behind', function () {
    $points = [
        'after-journal' => 'nothing copied yet',
        'before-switch' => 'objects stored and verified, rows not switched',
        'after-switch' => 'rows switched, chunks not deleted',
        'after-delete-asked' => 'chunk deletes handed to the deleting process, not answered',
        'mid-upload' => 'a multipart upload half-sent',
    ];
    foreach ($points as $point => $state) {
        $files = db_files(3, "kill-$point");
        if ($point === 'mid-upload') {
            $big = unique_bytes((16 << 20) + 700000, 'kill-big'); // killed at its 34th chunk: past 16 MiB, the multipart upload is open
            $files[db_file('kill-big.bin', $big)] = $big;
        }
        $ids = implode(',', array_keys($files));
        $killed = s3a(['migrate', '--to', '3', '--file-id', $ids, '--jobs', '2'],
            ['S3_ATTACHMENTS_FAILPOINT' => $point === 'mid-upload' ? 'mid-upload@34' : $point]);
        Suite::same(9, $killed['signal'], "$point: the run was killed ($state)", $killed['err']);
        Suite::check(journal_ids() !== [], "$point: the killed run left journal entries");
        if ($point === 'after-switch') {
            $chunks = (int) rows('SELECT COUNT(*) AS n FROM ' . FILE_CHUNK_TABLE . ' WHERE file_id IN (' . $ids . ')')[0]['n'];
            Suite::check($chunks > 0, "$point: chunks of switched files are still there before the rerun", (string) $chunks);
        }
        if ($point === 'mid-upload') {
            Suite::check(count(store_open_uploads(env('OST_S3_FOLDER') . '/')) > 0, "$point: a multipart upload is open before the rerun");
        }
        $rerun = s3a(['migrate', '--to', '3', '--file-id', $ids, '--json']);
        Suite::same(0, $rerun['exit'], "$point: the rerun exits 0", $rerun['err']);
        Suite::check(($rerun['json']['recovered'] ?? 0) > 0, "$point: the rerun completed the interrupted moves first");
        foreach ($files as $id => $bytes) {
            moved_to_s3($id, $bytes, "$point: file $id");
        }
        Suite::same([], journal_ids(), "$point: the journal is empty");
        Suite::same([], store_open_uploads(env('OST_S3_FOLDER') . '/'), "$point: no multipart upload is left open");
        check_no_stray_objects($point);
        delete_files(array_keys($files));
    }
});

test('migrate --to D killed with SIGKILL after the chunks and after the switch, then run again', function () {
    foreach (['after-chunks' => 'chunks written, row still in S3', 'after-switch-to-d' => 'row in D, object still there']
             as $point => $state) {
        use_storage('3');
        $files = [];
        for ($i = 0; $i < 2; $i++) {
            $bytes = unique_bytes(600000, "back-$point");
            $info = ['name' => "back-$point-$i.bin", 'type' => 'application/octet-stream', 'data' => $bytes];
            $files[(int) AttachmentFile::create($info)->getId()] = $bytes;
        }
        $keys = [];
        foreach ($files as $id => $bytes) {
            Suite::same('3', file_row($id)['bk'], "$point: file $id starts in S3");
            $keys[$id] = object_key_for(file_row($id));
        }
        $ids = implode(',', array_keys($files));
        $killed = s3a(['migrate', '--to', 'D', '--file-id', $ids], ['S3_ATTACHMENTS_FAILPOINT' => $point]);
        Suite::same(9, $killed['signal'], "$point: the run was killed ($state)", $killed['err']);
        $rerun = s3a(['migrate', '--to', 'D', '--file-id', $ids, '--json']);
        Suite::same(0, $rerun['exit'], "$point: the rerun exits 0", $rerun['err']);
        foreach ($files as $id => $bytes) {
            kept_in_db($id, $bytes, "$point: file $id", false);
            Suite::same(null, s3()->head($keys[$id]), "$point: file $id: its object is deleted");
        }
        Suite::same([], journal_ids(), "$point: the journal is empty");
        delete_files(array_keys($files));
    }
    use_storage('D');
});

test('killed in a multipart upload, run again by an identity that may not list uploads (AWS without s3:ListBucketMultipartUploads)', function () {
    $big = unique_bytes((16 << 20) + 700000, 'nolist');
    $id = db_file('nolist-big.bin', $big);
    $killed = s3a(['migrate', '--to', '3', '--file-id', (string) $id], ['S3_ATTACHMENTS_FAILPOINT' => 'mid-upload@34']);
    Suite::same(9, $killed['signal'], 'the run was killed in its multipart upload', $killed['err']);
    Suite::same(1, count(store_open_uploads(env('OST_S3_FOLDER') . '/')), 'one multipart upload is open');
    // fault_proxy --missing-as-403 answers bucket-level requests (ListMultipartUploads) 403, as AWS does.
    $proxy = new FaultProxy('--missing-as-403');
    $rerun = with_endpoint($proxy->endpoint(), function () use ($id) {
        return s3a(['migrate', '--to', '3', '--file-id', (string) $id, '--json']);
    });
    $proxy->stop();
    Suite::same([0, 1], [$rerun['exit'], $rerun['json']['moved'] ?? null], 'the rerun moves the file anyway', $rerun['err']);
    Suite::contains('s3:ListBucketMultipartUploads', $rerun['err'], 'and says the open upload could not be looked for, naming the permission');
    moved_to_s3($id, $big, 'the file');
    Suite::same([], journal_ids(), 'the journal is empty (the entry is not retried forever)');
    // What the bucket's lifecycle rule would do: abort it.
    foreach (s3()->listIncompleteUploads() as $upload) {
        if (strpos($upload['key'], env('OST_S3_FOLDER') . '/') === 0) {
            s3()->abortIncompleteUpload($upload['key'], $upload['upload_id']);
        }
    }
    Suite::same([], store_open_uploads(env('OST_S3_FOLDER') . '/'), 'no upload left open after the clean-up');
    delete_files([$id]);
});

test('a bucket that stops taking writes mid-run: the first files move, the others stay whole and are named', function () {
    $files = db_files(5, 'refused');
    $proxy = new FaultProxy('--refuse-writes-after', '2');
    $run = with_endpoint($proxy->endpoint(), function () use ($files) {
        return s3a(['migrate', '--to', '3', '--file-id', implode(',', array_keys($files)), '--jobs', '1', '--json']);
    });
    $proxy->stop();
    Suite::same(1, $run['exit'], 'exit 1', $run['err']);
    Suite::same(2, $run['json']['moved'] ?? null, 'the two files the bucket took moved');
    Suite::same(3, $run['json']['failed'] ?? null, 'the three it refused failed');
    foreach ($run['json']['failures'] ?? [] as $f) {
        Suite::contains('access denied', strtolower($f['reason']), "file {$f['id']}: the reason says the store refused");
    }
    $moved = 0;
    foreach ($files as $id => $bytes) {
        if (file_row($id)['bk'] === '3') {
            $moved++;
            moved_to_s3($id, $bytes, "file $id (taken)");
        } else {
            kept_in_db($id, $bytes, "file $id (refused)");
        }
    }
    Suite::same(2, $moved, 'two rows switched');
    Suite::same([], journal_ids(), 'nothing is left half-done');
    $rerun = s3a(['migrate', '--to', '3', '--file-id', implode(',', array_keys($files)), '--json']);
    Suite::same([0, 3], [$rerun['exit'], $rerun['json']['moved'] ?? null], 'run again with the bucket writable: the other three move');
    delete_files(array_keys($files));
});

test('the store going down mid-run: moved files complete, the rest whole in the database, the next run finishes', function () {
    $files = db_files(4, 'down');
    $proxy = new FaultProxy('--down-after-writes', '2');
    $run = with_endpoint($proxy->endpoint(), function () use ($files) {
        return s3a(['migrate', '--to', '3', '--file-id', implode(',', array_keys($files)), '--jobs', '1', '--json']);
    });
    $proxy->stop();
    Suite::same(1, $run['exit'], 'exit 1', $run['err']);
    Suite::same(2, $run['json']['moved'] ?? null, 'two files moved before the store went down');
    Suite::same(2, $run['json']['failed'] ?? null, 'the others failed');
    foreach ($files as $id => $bytes) {
        $row = file_row($id);
        if ($row['bk'] === '3') {
            moved_to_s3($id, $bytes, "file $id (moved)");
        } else {
            Suite::same(sha1($bytes), sha1(file_db_bytes($id)), "file $id: still whole in the database");
        }
    }
    // The copies of the failed files could not even be deleted (the store
    // was down): their journal entries wait for the next run.
    $rerun = s3a(['migrate', '--to', '3', '--file-id', implode(',', array_keys($files)), '--json']);
    Suite::same([0, 2], [$rerun['exit'], $rerun['json']['moved'] ?? null], 'the next run moves the other two', $rerun['err']);
    foreach ($files as $id => $bytes) {
        moved_to_s3($id, $bytes, "file $id after the rerun");
    }
    Suite::same([], journal_ids(), 'the journal is empty');
    check_no_stray_objects('after the outage');
    delete_files(array_keys($files));
});

test('a reader process killed mid-run: the run stops naming it, nothing changed, the next run moves everything', function () {
    $files = db_files(6, 'reader-killed');
    $ids = implode(',', array_keys($files));
    $killed = s3a(['migrate', '--to', '3', '--file-id', $ids, '--json'],
        ['S3_ATTACHMENTS_FAILPOINT' => 'reader-answer@3']);
    Suite::same(1, $killed['exit'], 'exit 1: stopped by an error', $killed['err']);
    Suite::contains('a reader process of the migration', $killed['err'], 'naming the reader process that stopped');
    Suite::contains('failpoint reader-answer', $killed['err'], 'quoting what it said before it died');
    foreach ($files as $id => $bytes) {
        kept_in_db($id, $bytes, "file $id untouched");
    }
    Suite::same([], journal_ids(), 'no journal entry: nothing was started');
    $rerun = s3a(['migrate', '--to', '3', '--file-id', $ids, '--json']);
    Suite::same([0, 6], [$rerun['exit'], $rerun['json']['moved'] ?? null], 'the next run moves all six', $rerun['err']);
    Suite::same([], $rerun['json']['notes'] ?? null, 'with its reader processes, saying nothing about them');
    foreach ($files as $id => $bytes) {
        moved_to_s3($id, $bytes, "file $id after the rerun");
    }
    Suite::same([], journal_ids(), 'the journal is empty');
    check_no_stray_objects('after a reader process was killed');
    delete_files(array_keys($files));
});

test('reader processes that cannot start: the run reads and deletes in its own process, says so, moves everything', function () {
    $files = db_files(4, 'readers-down');
    $damagedId = array_key_first(db_files(1, 'readers-down-damaged'));
    alter_first_byte($damagedId);
    $ids = implode(',', array_merge(array_keys($files), [$damagedId]));
    $run = s3a(['migrate', '--to', '3', '--file-id', $ids, '--json'], ['S3_ATTACHMENTS_FAILPOINT' => 'reader-start']);
    Suite::same([1, 4, 1], [$run['exit'], $run['json']['moved'] ?? null, $run['json']['failed'] ?? null],
        'exit 1: four moved, the altered one failed', $run['err']);
    $notes = implode("\n", $run['json']['notes'] ?? []);
    Suite::contains('the database was read, and the chunks of moved files deleted, by this process alone', $notes,
        'saying who read the database and deleted the chunks instead');
    Suite::contains('failpoint reader-start', $notes, 'with what the reader process said');
    Suite::contains('ost_file.signature', $run['json']['failures'][0]['reason'] ?? '', 'the altered file checked here as well');
    foreach ($files as $id => $bytes) {
        moved_to_s3($id, $bytes, "file $id");
    }
    Suite::same('D', file_row($damagedId)['bk'] ?? null, 'the altered file stays in the database');
    Suite::same([], journal_ids(), 'the journal is empty');
    delete_files(array_merge(array_keys($files), [$damagedId]));
});

test('--readers 0: the same checks in the command\'s own process', function () {
    $files = db_files(3, 'readers-0');
    $damagedId = array_key_first(db_files(1, 'readers-0-damaged'));
    alter_first_byte($damagedId);
    $ids = implode(',', array_merge(array_keys($files), [$damagedId]));
    // Were a reader process started, this failpoint would kill it and the run would say so.
    $run = s3a(['migrate', '--to', '3', '--readers', '0', '--file-id', $ids, '--json'],
        ['S3_ATTACHMENTS_FAILPOINT' => 'reader-start']);
    Suite::same([1, 3, 1], [$run['exit'], $run['json']['moved'] ?? null, $run['json']['failed'] ?? null],
        'exit 1: three moved, the altered one failed', $run['err']);
    Suite::same([], $run['json']['notes'] ?? null, 'nothing to say about reader processes: none was asked for');
    Suite::contains('ost_file.signature', $run['json']['failures'][0]['reason'] ?? '', 'the altered file named for its signature');
    foreach ($files as $id => $bytes) {
        moved_to_s3($id, $bytes, "file $id");
    }
    Suite::same([], journal_ids(), 'the journal is empty');
    delete_files(array_merge(array_keys($files), [$damagedId]));
});

test('two migrations at once: the second refuses to start, changing nothing', function () {
    require_once env('OST_ROOT') . '/include/plugins/s3-native/lib/Cli/CannotStart.php';
    require_once env('OST_ROOT') . '/include/plugins/s3-native/lib/Cli/StoreLock.php';
    $files = db_files(2, 'concurrent');
    // This process holds the store lock as a running migration does.
    $lock = \S3Native\Cli\StoreLock::acquire('the suite');
    try {
        $second = s3a(['migrate', '--to', '3', '--file-id', implode(',', array_keys($files))]);
    } finally {
        $lock->release();
    }
    Suite::same(3, $second['exit'], 'exit 3: could not start');
    Suite::contains('another s3-attachments run', $second['err'], 'saying another run is working');
    foreach ($files as $id => $bytes) {
        kept_in_db($id, $bytes, "file $id untouched");
    }
    // And two real runs started together: one moves everything, the other refuses or finds nothing left.
    $procs = [];
    foreach ([0, 1] as $i) {
        $procs[$i] = proc_open([env('OST_PHP'), env('OST_ROOT') . '/include/plugins/s3-native/bin/s3-attachments',
            'migrate', '--to', '3', '--file-id', implode(',', array_keys($files)), '--json'],
            [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes[$i]);
    }
    $exits = [];
    foreach ([0, 1] as $i) {
        stream_get_contents($pipes[$i][1]);
        stream_get_contents($pipes[$i][2]);
        $exits[] = proc_close($procs[$i]);
    }
    sort($exits);
    Suite::check($exits === [0, 0] || $exits === [0, 3], 'together: both succeed (one after the other) or one refuses',
        json_encode($exits));
    foreach ($files as $id => $bytes) {
        moved_to_s3($id, $bytes, "file $id moved once");
    }
    delete_files(array_keys($files));
});
