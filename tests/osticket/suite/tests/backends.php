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
