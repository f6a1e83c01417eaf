<?php
/* `php manage.php file backends`: osTicket's CLI boots the plugin and lists its backend. */

test('manage.php file backends lists backend 3 with its bucket and folder', function () {
    $run = manage('file', 'backends');
    Suite::same(0, $run['exit'], 'exits 0');
    $expected = sprintf('3 -- S3 (%s/%s) (S3NativeStorageBackend)', bucket(), env('OST_S3_FOLDER'));
    Suite::check(in_array($expected, explode("\n", $run['out']), true), 'lists: ' . $expected, $run['out']);
    Suite::contains('D -- ', $run['out'], 'still lists the database backend');
    Suite::same('', trim($run['err']), 'nothing on stderr');
});

test('manage.php file dump -F ID writes a file in S3 to stdout', function () {
    [$id, $bytes] = Shared::$values['large_file'] ?? [0, ''];
    $run = manage('file', 'dump', '-F', (string) $id);
    Suite::same(0, $run['exit'], 'exits 0', $run['err']);
    Suite::same(sha1($bytes), sha1($run['out']), 'the bytes of the 6 MiB file');
});
