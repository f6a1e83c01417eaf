<?php
/*
 * After everything above: the plugin left no PHP error, warning or
 * deprecation in the web server's or the CLI's log, nothing crashed, and no
 * object of this run is left in the bucket (every one was deleted by
 * osTicket's own delete and migrate paths).
 */

test('logs: no PHP error, warning or deprecation from the plugin, no fatal error', function () {
    $log = (string) file_get_contents(env('OST_PHP_ERROR_LOG'));
    $ours = array_values(array_filter(explode("\n", $log), function ($line) {
        return strpos($line, '/include/plugins/') !== false || strpos($line, 'PHP ') !== false
            && strpos($line, 'S3Native') !== false;
    }));
    Suite::same([], array_slice($ours, 0, 5), 'no PHP message from the plugin\'s files');
    Suite::check(!preg_match('/PHP Fatal|panicked|Segmentation/', $log), 'no fatal error or panic',
        preg_match('/.*(PHP Fatal|panicked|Segmentation).*/', $log, $m) ? $m[0] : '');
    $apache = (string) file_get_contents(env('OST_APACHE_ERROR_LOG'));
    Suite::check(!preg_match('/exit signal|Segmentation|panicked/', $apache), 'no crashed Apache child',
        preg_match('/.*(exit signal|Segmentation|panicked).*/', $apache, $m) ? $m[0] : '');
});

test('system log: the plugin logged only the failures provoked on purpose', function () {
    $entries = rows('SELECT title, log FROM ' . SYSLOG_TABLE . ' WHERE title LIKE \'%S3%\' OR log LIKE \'%S3%\'');
    // Provoked in this helpdesk by download.php and config_form.php (the
    // .phar step runs this file again in a process of its own).
    $expected = array_merge(['"vanished.txt"', '"cut.bin"', 'has no bucket configured'],
        Shared::$values['expected_system_log'] ?? []);
    $unexpected = array_values(array_filter($entries, function ($e) use ($expected) {
        foreach ($expected as $needle) {
            if (strpos($e['log'], $needle) !== false) {
                return false;
            }
        }
        return true;
    }));
    Suite::same([], $unexpected, 'no other entry about S3 (a failed store would be one: osTicket then keeps the file in the database silently)');
});

test('no object of this run is left in the bucket', function () {
    Suite::same([], store_keys(env('OST_S3_FOLDER') . '/'), 'nothing under ' . env('OST_S3_FOLDER') . '/');
});
