<?php
/*
 * Issue 11: a browser that gives up on a large download in proxy mode. A
 * 100 MiB file, stored through osTicket's upload path, is downloaded
 * through file.php and cut half-way (the client resets the connection, as a
 * closed tab does) ten times. Apache's workers must stop each transfer at
 * once and keep neither the store connection nor the buffers of the cut GET:
 * their sockets to the store and their memory (VmRSS, read from /proc as
 * tests/servers/cancel.py does) stay flat, and they still serve afterwards.
 */

const CANCEL_SIZE = 100 * 1048576;
const CANCEL_AT = 50 * 1048576;
const CANCELS = 10;
// What the workers may gain per cancel, in total: a GET left behind by the
// bailout keeps its buffers (~300 KiB) and its connection; nothing leaked
// is allocator noise (tests/servers/cancel.py measures the same way).
const CANCEL_RSS_KIB_PER_CANCEL = 128;

/** Apache's prefork children: the workers, from its pid file beside the error log. */
function apache_workers(): array
{
    $master = (int) @file_get_contents(dirname(env('OST_APACHE_ERROR_LOG')) . '/apache2.pid');
    if ($master <= 0) {
        throw new RuntimeException('no Apache pid file beside ' . env('OST_APACHE_ERROR_LOG'));
    }
    $workers = [];
    foreach (glob('/proc/[0-9]*/stat') as $stat) {
        $text = (string) @file_get_contents($stat);
        $fields = explode(' ', substr($text, (int) strrpos($text, ')') + 2)); // after "(comm)": state, ppid
        if ((int) ($fields[1] ?? 0) === $master) {
            $workers[] = (int) basename(dirname($stat));
        }
    }
    sort($workers);
    return $workers;
}

function vm_rss_kib(int $pid): int
{
    return preg_match('/^VmRSS:\s+(\d+)/m', (string) @file_get_contents("/proc/$pid/status"), $m) ? (int) $m[1] : 0;
}

/** The pid's sockets whose peer is the store's port, in any TCP state. */
function store_sockets(int $pid, int $storePort): int
{
    $inodes = [];
    foreach (glob("/proc/$pid/fd/*") ?: [] as $fd) {
        $link = (string) @readlink($fd);
        if (strncmp($link, 'socket:[', 8) === 0) {
            $inodes[substr($link, 8, -1)] = true;
        }
    }
    $n = 0;
    foreach (['/proc/net/tcp', '/proc/net/tcp6'] as $table) {
        foreach (array_slice(file($table) ?: [], 1) as $line) {
            $f = preg_split('/\s+/', trim($line));
            if (hexdec(explode(':', $f[2])[1]) === $storePort && isset($inodes[$f[9]])) {
                $n++;
            }
        }
    }
    return $n;
}

function workers_snapshot(int $storePort): array
{
    $snap = [];
    foreach (apache_workers() as $pid) {
        $snap[$pid] = ['rss' => vm_rss_kib($pid), 'sockets' => store_sockets($pid, $storePort)];
    }
    return $snap;
}

/** A 100 MiB file made on disk and given to osTicket as a web upload is (key and signature from the caller). */
function large_upload(): AttachmentFile
{
    $path = tempnam(sys_get_temp_dir(), 'ost-cancel');
    $out = fopen($path, 'wb');
    fwrite($out, unique_bytes(1048576, 'cancelled download'));
    $block = random_bytes(1048576);
    for ($i = 1; $i < CANCEL_SIZE / 1048576; $i++) {
        fwrite($out, $block);
    }
    fclose($out);
    try {
        $info = ['name' => 'screen-recording.webm', 'type' => 'video/webm', 'tmp_name' => $path,
            'size' => CANCEL_SIZE, 'key' => strtolower(Misc::randCode(32)), 'signature' => hash_file('sha1', $path)];
        $file = AttachmentFile::create($info); // by reference
    } finally {
        unlink($path);
    }
    if (!$file || file_row((int) $file->getId())['bk'] !== '3') {
        throw new RuntimeException('osTicket did not store the 100 MiB file in S3');
    }
    return $file;
}

/** GET $url, read the headers and $limit bytes of body, then reset the connection. */
function cut_download(string $url, int $limit): array
{
    $sock = stream_socket_client('tcp://' . env('OST_HTTP_HOST'), $errno, $error, 10);
    if (!$sock) {
        throw new RuntimeException("connecting to Apache: $error");
    }
    stream_set_timeout($sock, 30);
    fwrite($sock, "GET $url HTTP/1.1\r\nHost: " . env('OST_HTTP_HOST') . "\r\nConnection: close\r\n\r\n");
    $head = '';
    while (strpos($head, "\r\n\r\n") === false && !feof($sock)) {
        $head .= fread($sock, 8192);
    }
    [$head, $body] = explode("\r\n\r\n", $head, 2) + [1 => ''];
    $got = strlen($body);
    while ($got < $limit && !feof($sock)) {
        $got += strlen((string) fread($sock, 1048576));
    }
    $raw = socket_import_stream($sock);
    socket_set_option($raw, SOL_SOCKET, SO_LINGER, ['l_onoff' => 1, 'l_linger' => 0]);
    fclose($sock); // RST, as a closed tab or a dropped network
    preg_match('#^HTTP/1\.[01] (\d{3})#', $head, $m);
    preg_match('/^content-length:\s*(\d+)/mi', $head, $len);
    return ['status' => (int) ($m[1] ?? 0), 'length' => (int) ($len[1] ?? -1), 'received' => $got];
}

/**
 * Apache's access-log lines for file.php links to one file, from a byte
 * offset: [status, bytes, micros]. The target is matched decoded: keys may
 * hold '=', which the link carries as %3D.
 */
function file_php_log_lines(string $fileKey, int $from): array
{
    $log = (string) file_get_contents(dirname(env('OST_APACHE_ERROR_LOG')) . '/access.log', false, null, $from);
    preg_match_all('#"GET (/file\.php\?\S*) HTTP/1\.[01]" (\d{3}) (\S+) (\d+)#', $log, $m, PREG_SET_ORDER);
    $lines = [];
    foreach ($m as [, $target, $status, $bytes, $micros]) {
        parse_str((string) parse_url($target, PHP_URL_QUERY), $query);
        if (($query['key'] ?? null) === strtolower($fileKey)) {
            $lines[] = [(int) $status, (int) $bytes, (int) $micros];
        }
    }
    return $lines;
}

test('file.php, proxy mode: 100 MiB downloads cut half-way leave the workers\' store connections and memory flat', function () {
    use_storage('3');
    $errors = [];
    if (!plugin_form_update(s3_instance(), plugin_form_values(['download-mode' => 'proxy']), $errors)) {
        throw new RuntimeException('cannot switch to proxy mode: ' . json_encode($errors));
    }
    $file = null;
    try {
        $file = large_upload();
        $url = $file->getDownloadUrl();
        $storePort = (int) parse_url(env('S3_TEST_ENDPOINT'), PHP_URL_PORT);
        $accessLog = dirname(env('OST_APACHE_ERROR_LOG')) . '/access.log';

        // Every worker goes through a cut download first (four at once
        // reach all of prefork's workers), so what is measured is the steady
        // state, not a worker's first large answer (its output buffers).
        $warm = [];
        for ($i = 0; $i < 4; $i++) {
            $warm[] = $s = stream_socket_client('tcp://' . env('OST_HTTP_HOST'), $errno, $error, 10);
            fwrite($s, "GET $url HTTP/1.1\r\nHost: " . env('OST_HTTP_HOST') . "\r\nConnection: close\r\n\r\n");
        }
        foreach ($warm as $s) {
            for ($got = 0; $got < 8 * 1048576 && !feof($s);) {
                $got += strlen((string) fread($s, 1048576));
            }
            socket_set_option(socket_import_stream($s), SOL_SOCKET, SO_LINGER, ['l_onoff' => 1, 'l_linger' => 0]);
            fclose($s);
        }
        usleep(300000);
        clearstatcache();
        $logFrom = filesize($accessLog);
        $before = workers_snapshot($storePort);

        $t0 = microtime(true);
        $cuts = [];
        for ($i = 0; $i < CANCELS; $i++) {
            $cuts[] = cut_download($url, CANCEL_AT);
        }
        $wall = microtime(true) - $t0;
        $bad = array_filter($cuts, function ($c) { return $c['status'] !== 200 || $c['length'] !== CANCEL_SIZE || $c['received'] < CANCEL_AT; });
        Suite::same([], array_values($bad), 'each download answered 200 for 100 MiB and sent 50 MiB before the cut');

        // Apache logs a request when it ends: every cut one, short of the file.
        $deadline = microtime(true) + 10;
        do {
            usleep(100000);
            $lines = file_php_log_lines($file->getKey(), $logFrom);
        } while (count($lines) < CANCELS && microtime(true) < $deadline);
        Suite::check(count($lines) === CANCELS, 'every cut download ended (a line in the access log) within 10 s',
            count($lines) . ' lines; the log ends with: ' . substr((string) file_get_contents($accessLog, false, null, $logFrom), -600));
        $sent = array_column($lines, 1);
        Suite::check($sent && max($sent) < CANCEL_AT + 16 * 1048576,
            'each transfer stopped at the cut (at most 16 MiB beyond it in flight), never the whole 100 MiB',
            json_encode($sent));

        usleep(500000); // closes reach the kernel's tables
        $after = workers_snapshot($storePort);
        $rssGrowth = $socketsBefore = $socketsAfter = 0;
        foreach ($after as $pid => $w) {
            $rssGrowth += isset($before[$pid]) ? $w['rss'] - $before[$pid]['rss'] : 0;
        }
        $socketsBefore = array_sum(array_column($before, 'sockets'));
        $socketsAfter = array_sum(array_column($after, 'sockets'));
        printf("  %d downloads of 100 MiB cut at 50 MiB in %.1f s; Apache's times (ms) %s; bytes sent (MiB) %s;"
            . " store sockets of the workers %d -> %d; VmRSS (KiB) %s -> %s, growth %d KiB\n", CANCELS, $wall,
            json_encode(array_map(function ($l) { return intdiv($l[2], 1000); }, $lines)),
            json_encode(array_map(function ($b) { return round($b / 1048576, 1); }, $sent)), $socketsBefore, $socketsAfter,
            json_encode(array_column($before, 'rss')), json_encode(array_column($after, 'rss')), $rssGrowth);
        Suite::same(array_keys($before), array_keys($after), 'the same workers before and after (none crashed)');
        Suite::check($socketsAfter - $socketsBefore <= count($before),
            "the workers' store sockets stay flat (at most one more per worker)", "$socketsBefore -> $socketsAfter");
        Suite::check($rssGrowth <= CANCEL_RSS_KIB_PER_CANCEL * CANCELS,
            "the workers' memory stays flat (VmRSS growth at most " . CANCEL_RSS_KIB_PER_CANCEL . ' KiB per cut download)',
            "$rssGrowth KiB over " . CANCELS);

        $tail = http_request('GET', $url, ['Range: bytes=' . (CANCEL_SIZE - 1048576) . '-']);
        Suite::same([206, 1048576], [$tail['status'], strlen($tail['body'])], 'the workers still serve the file afterwards');
        Suite::same([], rows('SELECT title, log FROM ' . SYSLOG_TABLE . ' WHERE log LIKE \'%screen-recording%\''),
            'a download the client gave up is no failure in the system log');
    } finally {
        if ($file) {
            fresh_file((int) $file->getId())->delete();
        }
        $errors = [];
        plugin_form_update(s3_instance(), plugin_form_values(), $errors);
    }
});
