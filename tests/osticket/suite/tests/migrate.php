<?php
/*
 * `php manage.php file migrate`: every file of the database backend to S3
 * and back, with osTicket's own copy-and-verify loop (getHashDigest() /
 * read-back) deciding, bytes checked in the database and in the bucket.
 */

function count_files(string $bk): int
{
    return (int) rows('SELECT COUNT(*) AS n FROM ' . FILE_TABLE . ' WHERE bk=' . db_input($bk))[0]['n'];
}

test('manage.php file migrate --backend D --to 3: every database file moves to S3, bytes intact', function () {
    use_storage('D');
    $made = [];
    // One over the plugin's 8 MiB block with "0" as the last byte: a read
    // loop that stopped at a block "0" would lose it.
    foreach (['small.txt' => unique_bytes(200000, 'migrate'), 'block-plus-zero.bin' => unique_bytes(8388608, 'migrate') . '0']
             as $name => $bytes) {
        $info = ['name' => $name, 'type' => 'application/octet-stream', 'data' => $bytes];
        $file = AttachmentFile::create($info);
        Suite::same('D', file_row((int) $file->getId())['bk'], "$name: starts in the database");
        $made[(int) $file->getId()] = $bytes;
    }
    $inDatabase = count_files('D');
    $run = manage('file', 'migrate', '--backend', 'D', '--to', '3');
    Suite::same(0, $run['exit'], 'exits 0');
    Suite::contains("Migrated $inDatabase files", $run['out'], "migrates all $inDatabase database files");
    Suite::check(trim($run['err']) === '', 'no file it could not migrate', $run['err'] . ' Why: ' . $run['log']);
    Suite::same(0, count_files('D'), 'none is left in the database backend');
    foreach ($made as $id => $bytes) {
        $row = file_row($id);
        $name = $row['name'];
        Suite::same('3', $row['bk'], "$name: ost_file.bk is 3");
        Suite::same(['bucket' => bucket(), 'folder' => env('OST_S3_FOLDER')], json_decode((string) $row['attrs'], true),
            "$name: attrs name bucket and folder");
        Suite::same(sha1($bytes), sha1((string) object_bytes(object_key_for($row))), "$name: the object holds the bytes");
        Suite::same('', file_db_bytes($id), "$name: the database copy is gone");
        Suite::same(sha1($bytes), sha1(fresh_file($id)->getData()), "$name: getData() reads it from S3");
    }
    Shared::$values['migrated'] = $made;
});

test('manage.php file migrate to an unreachable store: every file stays in the database, each one named', function () {
    use_storage('D');
    $bytes = unique_bytes(30000, 'stays');
    $info = ['name' => 'stays-in-db.txt', 'type' => 'text/plain', 'data' => $bytes];
    $file = AttachmentFile::create($info);
    $id = (int) $file->getId();
    // An outage after the settings were saved: the endpoint now answers nothing.
    $namespace = db_input(s3_instance()->getNamespace());
    $saved = rows('SELECT value FROM ' . CONFIG_TABLE . " WHERE namespace=$namespace AND `key`='endpoint'")[0]['value'];
    $socket = stream_socket_server('tcp://127.0.0.1:0');
    $closedPort = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
    fclose($socket);
    db_query('UPDATE ' . CONFIG_TABLE . ' SET value=' . db_input("http://127.0.0.1:$closedPort")
        . " WHERE namespace=$namespace AND `key`='endpoint'");
    try {
        $run = manage('file', 'migrate', '--backend', 'D', '--to', '3', '-F', (string) $id);
    } finally {
        db_query('UPDATE ' . CONFIG_TABLE . ' SET value=' . db_input($saved) . " WHERE namespace=$namespace AND `key`='endpoint'");
    }
    Suite::same(0, $run['exit'], 'exits 0 (osTicket does, even when files failed)');
    Suite::contains('Unable to migrate stays-in-db.txt', $run['err'], 'names the file it could not migrate');
    Suite::contains('Migrated 0 files', $run['out'], 'migrated none');
    Suite::same('D', file_row($id)['bk'], 'the row stays on the database backend');
    Suite::same(sha1($bytes), sha1(file_db_bytes($id)), 'with its bytes');
    // manage.php keeps no system log (its modules drop osTicket's $ost):
    // the plugin writes why to PHP's error log, stderr unless php.ini names
    // a file (run.sh's does).
    $why = array_values(array_filter(explode("\n", (string) file_get_contents(env('OST_PHP_ERROR_LOG'))),
        function ($line) { return strpos($line, 'Unable to store attachment "stays-in-db.txt"') !== false; }));
    Suite::same(1, count($why), 'PHP\'s error log says why, once');
    Suite::contains("127.0.0.1:$closedPort", (string) ($why[0] ?? ''), 'naming the endpoint it could not reach');
    Suite::same([], rows('SELECT title FROM ' . SYSLOG_TABLE . ' WHERE log LIKE ' . db_input('%stays-in-db.txt%')),
        'osTicket\'s system log has nothing (manage.php runs without it)');
});

test('manage.php file migrate --backend 3 --to D: every S3 file moves back, objects deleted', function () {
    $inS3 = rows('SELECT * FROM ' . FILE_TABLE . ' WHERE bk=\'3\'');
    $expected = [];
    foreach ($inS3 as $row) {
        $expected[(int) $row['id']] = [$row, object_bytes(object_key_for($row))];
    }
    Suite::check(count($expected) >= 7, 'the files of the earlier tests are in S3', (string) count($expected));
    $run = manage('file', 'migrate', '--backend', '3', '--to', 'D');
    Suite::same(0, $run['exit'], 'exits 0');
    Suite::contains('Migrated ' . count($expected) . ' files', $run['out'], 'migrates all ' . count($expected) . ' S3 files');
    Suite::check(trim($run['err']) === '', 'no file it could not migrate', $run['err'] . ' Why: ' . $run['log']);
    foreach ($expected as $id => [$before, $bytes]) {
        $row = file_row($id);
        $name = $row['name'];
        Suite::same('D', $row['bk'], "$name: ost_file.bk is D");
        Suite::same(null, $row['attrs'], "$name: attrs cleared");
        Suite::same(sha1((string) $bytes), sha1(file_db_bytes($id)), "$name: the database holds the bytes");
        Suite::same(null, s3()->head(object_key_for($before)), "$name: the object is deleted");
    }
    if (isset(Shared::$values['migrated'])) {
        foreach (Shared::$values['migrated'] as $id => $bytes) {
            Suite::same(sha1($bytes), sha1(file_db_bytes($id)), "file $id: the original bytes after the round trip");
        }
    }
    Suite::same([], store_keys(env('OST_S3_FOLDER') . '/'), 'no object is left under the run\'s folder');
});
