<?php
// The load driver of tests/servers/run.sh: sends a few hundred requests to
// one server (php-fpm through cgi-fcgi, or Apache through curl), a fixed
// number at a time, and checks every one of them.
//
//   php -n drive.php --name php-fpm --kind fcgi --addr 127.0.0.1:PORT
//       --script /docroot/app.php --counter PROXY_STATE_FILE --s3 127.0.0.1:8333
//       --master-pid PID --master-runtime no|yes --workers 4 --result FILE
//       [--requests 300] [--concurrency 8] [--timeout 20] [--seed N] [--max-conns-per-worker 4]
//
// Phases: put/upload 50 objects; a random mix of full and ranged read,
// full and ranged passthru, head, and presign (the URL then fetched with
// curl straight from the S3 server); delete every object and check a few are
// gone; then stats from every worker. Each request is a check (status, bytes
// by sha256 and CRC32C, Content-Length); then the summary checks: no request
// timed out, 2..--workers worker pids served them (more: one died), every
// worker holds exactly one client, S3 connections opened (counted by
// conn_counter.py) stay within workers x --max-conns-per-worker, far fewer
// than the requests, and the master has 1 thread (--master-runtime no) or
// at most 2 after using the backend before forking (yes).
//
// A request that exceeds --timeout is a failure; the first one triggers a
// dump of every worker's threads (gdb backtraces when gdb is installed).
// Needs no PHP extension (run with php -n): it spawns curl and cgi-fcgi.
declare(strict_types=1);

require __DIR__ . '/lib.php';

$opt = getopt('', ['name:', 'kind:', 'addr:', 'script:', 'counter:', 's3:', 'master-pid:', 'master-runtime:', 'workers:',
    'result:', 'requests:', 'concurrency:', 'timeout:', 'seed:', 'max-conns-per-worker:']);
foreach (['name', 'kind', 'addr', 'script', 'counter', 's3', 'master-pid', 'master-runtime', 'workers', 'result'] as $k) {
    if (!isset($opt[$k])) {
        fwrite(STDERR, "drive.php: --$k is required\n");
        exit(2);
    }
}
$NAME = $opt['name'];
$KIND = $opt['kind'];            // fcgi | http
$ADDR = $opt['addr'];            // 127.0.0.1:PORT of php-fpm or Apache
$SCRIPT = $opt['script'];        // SCRIPT_FILENAME for php-fpm
$REQUESTS = (int) ($opt['requests'] ?? 300);
$CONCURRENCY = (int) ($opt['concurrency'] ?? 8);
$TIMEOUT = (int) ($opt['timeout'] ?? 20);
$WORKERS = (int) $opt['workers'];
$MAX_CONNS_PER_WORKER = (int) ($opt['max-conns-per-worker'] ?? 4);
$SEED = (int) ($opt['seed'] ?? random_int(1, 1 << 30));
$OBJECTS = 50;
$TMP = sys_get_temp_dir() . '/s3a-drive-' . getmypid() . '-' . bin2hex(random_bytes(4));
mkdir($TMP, 0700);
register_shutdown_function(function () use ($TMP) {
    foreach (glob("$TMP/*") ?: [] as $f) {
        @unlink($f);
    }
    @rmdir($TMP);
});
mt_srand($SEED);

// ---------------------------------------------------------------- bookkeeping

$passed = 0;
$failed = 0;
$failures = [];
$perWorker = [];           // pid => requests served
$latency = [];             // op => [count, total ms, max ms]
$timeouts = 0;
$dumpedWorkers = false;
$dumpSpan = null;          // [start, end] of the evidence collection: it stalls the pool

function check(bool $ok, string $what): void
{
    global $passed, $failed, $failures;
    if ($ok) {
        $passed++;
    } else {
        $failed++;
        $failures[] = $what;
        if (count($failures) <= 25) {
            echo "  FAIL $what\n";
        }
    }
}

// ---------------------------------------------------------------- objects

/** n => [size, body]: the bodies stay in memory for ranged checks. */
$objects = [];
function obj(int $n): array
{
    global $objects;
    return $objects[$n] ??= (function () use ($n) {
        $size = s3a_size_for($n);
        return ['size' => $size, 'body' => s3a_body($n, $size)];
    })();
}

// ---------------------------------------------------------------- requests

/** The command that sends one request to the server under test. */
function request_command(string $query, ?string $postFile, string $out, string $hdr): array
{
    global $KIND, $ADDR, $SCRIPT, $TIMEOUT;
    if ($KIND === 'fcgi') {
        [$host, $port] = explode(':', $ADDR);
        $env = [
            'GATEWAY_INTERFACE' => 'CGI/1.1', 'SERVER_SOFTWARE' => 's3a-drive',
            'REQUEST_METHOD' => $postFile === null ? 'GET' : 'POST',
            'SCRIPT_FILENAME' => $SCRIPT, 'SCRIPT_NAME' => '/app.php',
            'DOCUMENT_ROOT' => dirname($SCRIPT),
            'REQUEST_URI' => "/app.php?$query", 'QUERY_STRING' => $query,
            'SERVER_NAME' => '127.0.0.1', 'SERVER_ADDR' => $host, 'SERVER_PORT' => $port,
            'SERVER_PROTOCOL' => 'HTTP/1.1', 'REMOTE_ADDR' => '127.0.0.1', 'REMOTE_PORT' => '40000',
            'PATH' => getenv('PATH') ?: '/usr/bin:/bin',
        ];
        if ($postFile !== null) {
            $env['CONTENT_LENGTH'] = (string) filesize($postFile);
            $env['CONTENT_TYPE'] = 'application/octet-stream';
        }
        return ['argv' => ['timeout', '-k', '2', (string) $TIMEOUT, 'cgi-fcgi', '-bind', '-connect', $ADDR],
            'env' => $env, 'stdin' => $postFile ?? '/dev/null', 'stdout' => $out];
    }
    $argv = ['curl', '-sS', '--max-time', (string) $TIMEOUT, '-o', $out, '-D', $hdr, '-w', '%{http_code}',
        '-H', 'Expect:'];
    if ($postFile !== null) {
        array_push($argv, '--data-binary', "@$postFile", '-H', 'Content-Type: application/octet-stream');
    }
    $argv[] = "http://$ADDR/app.php?$query";
    return ['argv' => $argv, 'env' => null, 'stdin' => '/dev/null', 'stdout' => "$out.code"];
}

/** Status, lower-cased headers and body of a finished request. */
function parse_response(bool $http, string $out, string $hdr): array
{
    if (!$http) {
        $raw = (string) @file_get_contents($out);
        $cut = strpos($raw, "\r\n\r\n");
        if ($cut === false) {
            return [0, [], $raw];
        }
        $head = substr($raw, 0, $cut);
        $body = substr($raw, $cut + 4);
        $status = 200;
    } else {
        $head = (string) @file_get_contents($hdr);
        $body = (string) @file_get_contents($out);
        // With redirects or 100-continue there may be several blocks: the last counts.
        $blocks = preg_split("/\r\n\r\n/", trim($head));
        $head = end($blocks);
        $status = preg_match('#^HTTP/\S+ (\d{3})#', $head, $m) ? (int) $m[1] : 0;
    }
    $headers = [];
    foreach (preg_split("/\r\n/", $head) as $line) {
        if (($p = strpos($line, ':')) !== false) {
            $headers[strtolower(trim(substr($line, 0, $p)))] = trim(substr($line, $p + 1));
        }
    }
    if (isset($headers['status'])) {
        $status = (int) $headers['status'];
    }
    return [$status, $headers, $body];
}

// ---------------------------------------------------------------- the job pool

$queue = [];
$running = [];
$seq = 0;

/** Queues a request to the app; $check(status, headers, body) returns an
 *  error string or null, and may queue more work. */
function app_request(string $op, array $query, callable $check, ?string $postBody = null): void
{
    global $queue;
    $queue[] = ['kind' => 'app', 'op' => $op, 'query' => http_build_query($query), 'check' => $check,
        'post' => $postBody];
}

/** Queues a plain curl GET (presigned URL), connecting straight to S3. */
function url_request(string $op, string $url, callable $check): void
{
    global $queue;
    $queue[] = ['kind' => 'url', 'op' => $op, 'url' => $url, 'check' => $check, 'post' => null];
}

function start_job(array $job): array
{
    global $TMP, $seq, $TIMEOUT, $opt;
    $id = ++$seq;
    $out = "$TMP/$id.out";
    $hdr = "$TMP/$id.hdr";
    $err = "$TMP/$id.err";
    $post = null;
    if ($job['post'] !== null) {
        $post = "$TMP/$id.post";
        file_put_contents($post, $job['post']);
    }
    if ($job['kind'] === 'app') {
        $cmd = request_command($job['query'], $post, $out, $hdr);
        $job['label'] = "{$job['op']} ?{$job['query']}";
    } else {
        // The URL is signed for the proxy's host:port; connect to the S3
        // server itself so the proxy counts only the workers' connections.
        $host = parse_url($job['url'], PHP_URL_HOST) . ':' . parse_url($job['url'], PHP_URL_PORT);
        $cmd = ['argv' => ['curl', '-sS', '--max-time', (string) $TIMEOUT, '-o', $out, '-D', $hdr,
            '-w', '%{http_code}', '--connect-to', "$host:{$opt['s3']}", $job['url']],
            'env' => null, 'stdin' => '/dev/null', 'stdout' => "$out.code"];
        $job['label'] = "{$job['op']} (presigned URL)";
    }
    $proc = proc_open($cmd['argv'], [0 => ['file', $cmd['stdin'], 'r'], 1 => ['file', $cmd['stdout'], 'w'],
        2 => ['file', $err, 'w']], $pipes, null, $cmd['env']);
    if ($proc === false) {
        throw new RuntimeException("cannot start {$cmd['argv'][0]}");
    }
    return $job + ['proc' => $proc, 'id' => $id, 'out' => $out, 'hdr' => $hdr, 'err' => $err,
        'postfile' => $post, 'started' => microtime(true), 'http' => $job['kind'] === 'url' || $cmd['env'] === null];
}

function finish_job(array $job, int $exit): void
{
    global $perWorker, $latency, $timeouts, $TIMEOUT;
    $ms = (microtime(true) - $job['started']) * 1000;
    $l = &$latency[$job['op']];
    $l = [($l[0] ?? 0) + 1, ($l[1] ?? 0) + $ms, max($l[2] ?? 0, $ms)];
    $stderr = trim((string) @file_get_contents($job['err']));
    $label = $job['label'];
    $timedOut = $job['http'] ? $exit === 28 : ($exit === 124 || $exit === 137);
    if ($timedOut || $exit === -1000) {
        $timeouts++;
        global $dumpSpan;
        $stalled = $dumpSpan !== null && $job['started'] < $dumpSpan[1] ? ', the driver was busy collecting evidence part of that time' : '';
        check(false, sprintf('%s: TIMEOUT, no complete response after %.1f s (limit %d s%s)', $label, $ms / 1000, $TIMEOUT, $stalled));
        dump_workers("request timed out: $label");
    } elseif ($exit !== 0) {
        check(false, "$label: client exited with $exit: $stderr");
    } else {
        [$status, $headers, $body] = parse_response($job['http'], $job['out'], $job['hdr']);
        if ($job['kind'] === 'app') {
            $pid = (int) ($headers['x-worker-pid'] ?? 0);
            if ($pid > 0) {
                $perWorker[$pid] = ($perWorker[$pid] ?? 0) + 1;
            }
        }
        try {
            $error = ($job['check'])($status, $headers, $body);
        } catch (Throwable $e) {
            $error = 'check threw ' . get_class($e) . ': ' . $e->getMessage();
        }
        if ($error !== null) {
            $snippet = substr($body, 0, 300);
            $error .= ' (HTTP ' . $status . (preg_match('/^[\x20-\x7e\r\n\t]*$/', $snippet)
                ? ", body: $snippet" : ', binary body of ' . strlen($body) . ' bytes') . ')';
        }
        check($error === null, "$label: $error");
    }
    foreach ([$job['out'], $job['out'] . '.code', $job['hdr'], $job['err'], $job['postfile']] as $f) {
        if ($f !== null) {
            @unlink($f);
        }
    }
}

/** Runs everything queued (and whatever the checks queue) to completion. */
function run_queue(): void
{
    global $queue, $running, $CONCURRENCY, $TIMEOUT;
    while ($queue || $running) {
        while ($queue && count($running) < $CONCURRENCY) {
            $running[] = start_job(array_shift($queue));
        }
        usleep(2000);
        foreach ($running as $i => $job) {
            $st = proc_get_status($job['proc']);
            if ($st['running']) {
                // Safety net above the clients' own timeouts.
                if (microtime(true) - $job['started'] > $TIMEOUT + 10) {
                    proc_terminate($job['proc'], 9);
                    proc_close($job['proc']);
                    unset($running[$i]);
                    finish_job($job, -1000);
                }
                continue;
            }
            proc_close($job['proc']);
            unset($running[$i]);
            finish_job($job, $st['exitcode']);
        }
    }
}

// ---------------------------------------------------------------- evidence

function children_of(int $ppid): array
{
    $kids = [];
    foreach (glob('/proc/[0-9]*/stat') ?: [] as $f) {
        $stat = @file_get_contents($f);
        if ($stat !== false && preg_match('/\) \S (\d+)/', $stat, $m) && (int) $m[1] === $ppid) {
            $kids[] = (int) basename(dirname($f));
        }
    }
    sort($kids);
    return $kids;
}

/** Threads and wait channels of every worker, and gdb backtraces (20
 *  innermost frames per thread) of the busy ones: a worker whose main
 *  thread waits in accept() is idle. */
function dump_workers(string $why): void
{
    global $dumpedWorkers, $dumpSpan, $opt;
    if ($dumpedWorkers) {
        return;
    }
    $dumpedWorkers = true;
    $dumpSpan = [microtime(true), INF];
    $master = (int) $opt['master-pid'];
    $gdb = trim((string) shell_exec('command -v gdb')) !== '';
    echo "\n---- evidence ($why): workers of master $master\n";
    // First a snapshot of every worker (gdb stops each one for seconds),
    // then the backtraces.
    $busy = [];
    foreach (children_of($master) as $pid) {
        $cmd = trim(str_replace("\0", ' ', (string) @file_get_contents("/proc/$pid/cmdline")));
        echo "-- pid $pid: $cmd\n";
        foreach (glob("/proc/$pid/task/*") ?: [] as $t) {
            $wchan = trim((string) @file_get_contents("$t/wchan"));
            printf("   tid %s %-16s wchan=%s syscall=%s\n", basename($t), trim((string) @file_get_contents("$t/comm")),
                $wchan, explode(' ', trim((string) @file_get_contents("$t/syscall")))[0]);
            if (basename($t) === (string) $pid && $wchan !== 'inet_csk_accept') {
                $busy[] = $pid;
            }
        }
    }
    echo $busy ? '-- busy workers (main thread not waiting in accept): ' . implode(' ', $busy) . "\n"
        : "-- every worker is idle in accept\n";
    foreach ($busy as $pid) {
        if ($gdb) {
            echo "-- gdb backtraces of pid $pid (25 innermost frames per thread)\n";
            echo shell_exec("timeout 120 gdb -p $pid -batch -ex 'set print frame-arguments none' "
                . "-ex 'thread apply all bt 25' 2>&1 | cut -c1-300 | grep -vE '^\\[New LWP|^\\[Thread debugging|^Using host libthread_db|No such file or directory'");
        } else {
            echo "   (install gdb for backtraces)\n";
            break;
        }
    }
    $dumpSpan[1] = microtime(true);
    printf("---- end of evidence (%.0f s)\n\n", $dumpSpan[1] - $dumpSpan[0]);
}

function worker_connections(int $pid, int $port): int
{
    // Sockets of $pid that are ESTABLISHED to 127.0.0.1:$port (the proxy).
    $inodes = [];
    foreach (glob("/proc/$pid/fd/*") ?: [] as $fd) {
        $l = @readlink($fd);
        if ($l !== false && preg_match('/^socket:\[(\d+)\]$/', $l, $m)) {
            $inodes[$m[1]] = true;
        }
    }
    $n = 0;
    foreach (@file('/proc/net/tcp') ?: [] as $line) {
        $f = preg_split('/\s+/', trim($line));
        if (count($f) > 9 && $f[3] === '01' && hexdec(explode(':', $f[2])[1] ?? '0') === $port && isset($inodes[$f[9]])) {
            $n++;
        }
    }
    return $n;
}

// ---------------------------------------------------------------- checks of responses

function json_of(string $body): ?array
{
    $j = json_decode($body, true);
    return is_array($j) ? $j : null;
}

function expect_json(int $status, string $body, array $want): ?string
{
    if ($status !== 200) {
        return "expected HTTP 200";
    }
    $j = json_of($body);
    if ($j === null) {
        return 'response is not JSON';
    }
    foreach ($want as $k => $v) {
        if (($j[$k] ?? null) !== $v) {
            return "$k is " . var_export($j[$k] ?? null, true) . ', expected ' . var_export($v, true);
        }
    }
    return null;
}

// ---------------------------------------------------------------- the run

$t0 = microtime(true);
$counter = json_decode((string) file_get_contents($opt['counter']), true);
$proxyPort = (int) $counter['port'];
printf("%s: %d requests target, %d at a time, timeout %d s, seed %d (S3A_SERVERS_SEED to repeat)\n",
    $NAME, $REQUESTS, $CONCURRENCY, $TIMEOUT, $SEED);

// 1. Store the objects: putString of a body the app generates, and every
//    tenth one uploaded as the request body through createUpload().
for ($n = 0; $n < $OBJECTS; $n++) {
    $o = obj($n);
    $want = ['size' => $o['size'], 'sha256' => hash('sha256', $o['body']), 'crc32c' => hash('crc32c', $o['body'])];
    $check = fn ($s, $h, $b) => expect_json($s, $b, $want);
    if ($n % 10 === 4) {
        app_request('upload', ['action' => 'upload', 'n' => $n], $check, $o['body']);
    } else {
        app_request('put', ['action' => 'put', 'n' => $n, 'size' => $o['size']], $check);
    }
}
run_queue();

// 2. A random mix of reads, passthrus, heads and presigned downloads.
$mixed = max(0, $REQUESTS - 2 * $OBJECTS - 5);
for ($i = 0; $i < $mixed; $i++) {
    $n = mt_rand(0, $OBJECTS - 1);
    $o = obj($n);
    $size = $o['size'];
    $roll = mt_rand(1, 100);
    if ($roll <= 35) {
        // read, whole or a range (sometimes past the end)
        $q = ['action' => 'read', 'n' => $n];
        $part = $o['body'];
        if ($roll > 20) {
            $off = mt_rand(0, $size + 2);
            $len = mt_rand(0, 70000);
            $q += ['off' => $off, 'len' => $len];
            $part = (string) substr($o['body'], $off, $len);
        }
        $want = ['size' => strlen($part), 'sha256' => hash('sha256', $part), 'crc32c' => hash('crc32c', $part)];
        app_request('read', $q, fn ($s, $h, $b) => expect_json($s, $b, $want));
    } elseif ($roll <= 65) {
        $q = ['action' => 'passthru', 'n' => $n];
        $part = $o['body'];
        if ($roll > 55 && $size > 0) {
            $off = mt_rand(0, $size - 1);
            $len = mt_rand(1, 200000);
            $q += ['off' => $off, 'len' => $len];
            $part = substr($o['body'], $off, $len);
        }
        $sha = hash('sha256', $part);
        $len = strlen($part);
        app_request('passthru', $q, function ($s, $h, $b) use ($sha, $len) {
            if ($s !== 200) {
                return 'expected HTTP 200';
            }
            if (($h['content-length'] ?? null) !== (string) $len) {
                return "Content-Length is " . ($h['content-length'] ?? 'missing') . ", expected $len";
            }
            if (strlen($b) !== $len || hash('sha256', $b) !== $sha) {
                return 'body differs: ' . strlen($b) . " bytes, expected $len";
            }
            return null;
        });
    } elseif ($roll <= 75) {
        app_request('head', ['action' => 'head', 'n' => $n], function ($s, $h, $b) use ($size) {
            $j = json_of($b);
            return $s === 200 && ($j['head']['size'] ?? null) === $size ? null : "expected head size $size";
        });
    } else {
        $sha = hash('sha256', $o['body']);
        app_request('presign', ['action' => 'presign', 'n' => $n], function ($s, $h, $b) use ($sha, $size, $n) {
            $j = json_of($b);
            if ($s !== 200 || !is_string($j['url'] ?? null) || !str_starts_with($j['url'], 'http://127.0.0.1:')) {
                return 'expected a URL';
            }
            url_request('presigned-get', $j['url'], function ($s, $h, $b) use ($sha, $size, $n) {
                if ($s !== 200) {
                    return "GET of presigned URL for obj-$n: expected HTTP 200";
                }
                if (strlen($b) !== $size || hash('sha256', $b) !== $sha) {
                    return "presigned GET of obj-$n: body differs (" . strlen($b) . " bytes, expected $size)";
                }
                if (!str_starts_with($h['content-disposition'] ?? '', 'attachment')) {
                    return 'presigned GET: no attachment Content-Disposition';
                }
                return null;
            });
            return null;
        });
    }
}
run_queue();

// 3. Delete everything (the bucket is shared), then a few must be gone.
for ($n = 0; $n < $OBJECTS; $n++) {
    app_request('delete', ['action' => 'delete', 'n' => $n], fn ($s, $h, $b) => expect_json($s, $b, ['deleted' => true]));
}
run_queue();
for ($n = 0; $n < 5; $n++) {
    app_request('read-deleted', ['action' => 'read', 'n' => $n], function ($s, $h, $b) {
        $j = json_of($b);
        return $s === 404 && ($j['class'] ?? '') === 'S3AttachmentNotFoundException'
            ? null : 'expected 404 with S3AttachmentNotFoundException';
    });
}
run_queue();
$requests = array_sum($perWorker);
$elapsed = microtime(true) - $t0;

// 4. Stats from every worker that served requests: pid and client count.
$stats = [];
for ($round = 0; $round < 12 && count(array_diff_key($perWorker, $stats)) > 0; $round++) {
    for ($i = 0; $i < $CONCURRENCY; $i++) {
        app_request('stats', ['action' => 'stats'], function ($s, $h, $b) use (&$stats) {
            $j = json_of($b);
            if ($s !== 200 || !isset($j['pid']) || ($j['extension'] ?? null) !== true) {
                return 'expected stats from a process with s3_attachments loaded';
            }
            $stats[$j['pid']] = $j;
            return null;
        });
    }
    run_queue();
}

// ---------------------------------------------------------------- summary

$counter = json_decode((string) file_get_contents($opt['counter']), true);
$conns = (int) $counter['accepted'];
if ($stats) {
    $any = reset($stats);
    printf("  SAPI %s, php.ini %s, scanned ini files: %s\n", $any['sapi'], var_export($any['ini'], true),
        var_export($any['scanned'], true));
}
$workersSeen = count($perWorker);
echo "\n";
ksort($perWorker);
foreach ($perWorker as $pid => $count) {
    $st = $stats[$pid] ?? null;
    printf("  worker %d: %3d requests, %s S3 client(s), %s threads, %d open connection(s) to S3 now\n", $pid, $count,
        $st['clients'] ?? '?', $st['threads'] ?? '?', worker_connections($pid, $proxyPort));
}
foreach ($latency as $op => [$c, $total, $max]) {
    printf("  %-14s %4d requests, avg %6.1f ms, max %7.1f ms\n", $op, $c, $total / $c, $max);
}
printf("  S3 connections: %d opened in total, at most %d at once, %d open now\n",
    $conns, $counter['max_open'], $counter['open']);
$masterThreads = preg_match('/^Threads:\s+(\d+)/m', (string) @file_get_contents("/proc/{$opt['master-pid']}/status"), $m)
    ? (int) $m[1] : null;

check($timeouts === 0, "$NAME: $timeouts request(s) timed out (hung)");
check($workersSeen >= 2 && $workersSeen <= $WORKERS,
    "$NAME: requests were served by $workersSeen worker pids, expected 2..$WORKERS (more means a worker died and was replaced)");
foreach ($perWorker as $pid => $count) {
    $c = $stats[$pid]['clients'] ?? null;
    check($c === 1, "$NAME: worker $pid holds " . var_export($c, true) . ' S3 clients, expected exactly 1 (one per configuration, reused)');
}
$bound = $WORKERS * $MAX_CONNS_PER_WORKER;
check($conns >= 1 && $conns <= $bound,
    "$NAME: $conns S3 connections opened for $requests requests, expected 1..$bound ($WORKERS workers x $MAX_CONNS_PER_WORKER): connections are not reused");
if ($opt['master-runtime'] === 'no') {
    check($masterThreads === 1, "$NAME: the master has " . var_export($masterThreads, true)
        . ' threads, expected 1 (nothing is started when the module loads)');
} else {
    // It started the runtime before forking (run.sh checks preload.php's
    // log line), and the runtime runs on the calling thread: at most a
    // blocking-pool thread for DNS besides.
    check($masterThreads !== null && $masterThreads <= 2, "$NAME: the master has " . var_export($masterThreads, true)
        . ' threads, expected 1 or 2 (the runtime has no worker threads)');
}

printf("%s: %d requests, %d failures, %d workers, %d S3 connections, %.1f s (%.0f requests/s)\n",
    $NAME, $requests, $failed, $workersSeen, $conns, $elapsed, $requests / max($elapsed, 0.001));
printf("%s: %d passed, %d failed\n", $NAME, $passed, $failed);
file_put_contents($opt['result'], json_encode(['name' => $NAME, 'passed' => $passed, 'failed' => $failed,
    'requests' => $requests, 'workers' => $workersSeen, 'connections' => $conns, 'timeouts' => $timeouts]));
exit($failed === 0 ? 0 : 1);
