<?php
// The docroot script tests/servers/run.sh serves from a private php-fpm and a
// private Apache + mod_php. One action per request, chosen by ?action=...:
//
//   put      &n=N&size=S          putString(obj-N, s3a_body(N, S))     -> JSON size, crc32c, sha256
//   upload   &n=N   (POST body)   createUpload(obj-N), write() in 1 MiB chunks, finish() -> JSON
//   read     &n=N[&off=O&len=L]   read(obj-N, O, L)                    -> JSON size, sha256, crc32c
//   passthru &n=N[&off=O&len=L]   head() for the size, Content-Length, passthru() -> the bytes
//   stream   &n=N&ignore_abort=0|1[&fatal_after_kib=K|&memory_limit_mib=M&hog_mib=H]
//                                 passthru() of the whole object with ignore_user_abort as asked,
//                                 for downloads cancel.py cancels; with fatal_after_kib, into an
//                                 output buffer whose handler raises a fatal error once K KiB
//                                 have passed (PHP bails out inside passthru's write); with
//                                 memory_limit_mib, under that memory_limit with H MiB already
//                                 taken, into an output buffer that grows until PHP's own
//                                 "Allowed memory size … exhausted" bails out of the write;
//                                 when the request ends (also after a bailout) one JSON line goes
//                                 to S3A_SERVERS_CANCEL_LOG, with the fatal error if any
//   presign  &n=N                 presignGet(obj-N, ttl 300, filename) -> JSON url
//   head     &n=N                 head(obj-N)                          -> JSON (null when missing)
//   delete   &n=N                 delete(obj-N)                        -> JSON deleted
//   stats                         pid, S3 clients in this process (phpinfo), thread count
//
// Every response carries X-Worker-Pid, so the driver can count requests per
// worker. Errors: HTTP 500 (404 for a missing object) with a JSON body.
// Options come from S3_TEST_* (set per server by run.sh; the endpoint is the
// connection-counting proxy), prefix servers/<sapi>/<run id>.
declare(strict_types=1);

require __DIR__ . '/lib.php';

function env(string $name, ?string $default = null): string
{
    $v = getenv($name);
    if ($v === false || $v === '') {
        $v = $_SERVER[$name] ?? $default;
    }
    if ($v === null) {
        throw new RuntimeException("$name is not set");
    }
    return (string) $v;
}

function reply(int $status, array $body): void
{
    http_response_code($status);
    header('Content-Type: application/json');
    echo json_encode($body, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR), "\n";
}

function int_param(string $name, ?int $default = null): ?int
{
    if (!isset($_GET[$name])) {
        return $default;
    }
    if (!is_string($_GET[$name]) || !preg_match('/^\d+$/', $_GET[$name])) {
        throw new InvalidArgumentException("bad parameter $name");
    }
    return (int) $_GET[$name];
}

function client_count(): ?int
{
    ob_start();
    phpinfo(INFO_MODULES);
    $info = strip_tags(ob_get_clean());
    // Text (CLI) renders "name => value", HTML renders two table cells.
    return preg_match('/S3 clients in this process\s*(?:=>)?\s*(\d+)/', $info, $m) ? (int) $m[1] : null;
}

function backend(): S3AttachmentBackend
{
    static $b;
    return $b ??= new S3AttachmentBackend(s3a_options('env'));
}

header('X-Worker-Pid: ' . getmypid());
header('X-Sapi: ' . PHP_SAPI);
try {
    $action = $_GET['action'] ?? '';
    $n = int_param('n');
    $key = $n === null ? null : "obj-$n";
    if ($key === null && $action !== 'stats') {
        throw new InvalidArgumentException('n is required');
    }
    switch ($action) {
        case 'put':
            $data = s3a_body($n, int_param('size', 0));
            $r = backend()->putString($key, $data, ['content_type' => 'application/octet-stream']);
            reply(200, ['size' => $r['size'], 'crc32c' => $r['checksums']['crc32c'] ?? null,
                'sha256' => hash('sha256', $data), 'key' => backend()->objectKey($key)]);
            break;

        case 'upload':
            $in = fopen('php://input', 'rb');
            $up = backend()->createUpload($key, ['content_type' => 'application/octet-stream']);
            $hash = hash_init('sha256');
            while (($chunk = fread($in, 1 << 20)) !== false && $chunk !== '') {
                hash_update($hash, $chunk);
                $up->write($chunk);
            }
            $r = $up->finish();
            reply(200, ['size' => $r['size'], 'crc32c' => $r['checksums']['crc32c'] ?? null,
                'sha256' => hash_final($hash)]);
            break;

        case 'read':
            $data = backend()->read($key, int_param('off', 0), int_param('len'));
            reply(200, ['size' => strlen($data), 'sha256' => hash('sha256', $data),
                'crc32c' => hash('crc32c', $data)]);
            break;

        case 'passthru':
            $head = backend()->head($key);
            if ($head === null) {
                reply(404, ['error' => 'no such object']);
                break;
            }
            $off = int_param('off', 0);
            $len = int_param('len');
            $avail = max(0, $head['size'] - $off);
            $expect = $len === null ? $avail : min($len, $avail);
            header('Content-Type: application/octet-stream');
            header("Content-Length: $expect");
            $sent = backend()->passthru($key, $off, $len);
            if ($sent !== $expect) {
                // Too late for a status; the driver sees the short body.
                error_log("app.php: passthru $key sent $sent bytes, expected $expect");
            }
            break;

        case 'stream':
            $ignore = int_param('ignore_abort', 0) === 1;
            ignore_user_abort($ignore);
            $size = backend()->head($key)['size'] ?? null;
            if ($size === null) {
                reply(404, ['error' => 'no such object']);
                break;
            }
            $outcome = ['pid' => getmypid(), 'ignore_abort' => $ignore, 'size' => $size, 'sent' => null,
                'error' => null, 'started' => microtime(true)];
            $log = env('S3A_SERVERS_CANCEL_LOG');
            // Shutdown functions run after a bailout too: the line is written
            // whether passthru() returned, threw, or was jumped over.
            register_shutdown_function(function () use (&$outcome, $log): void {
                // No ob_*() here: after a fatal error inside an output
                // handler, PHP refuses output-buffer calls until the end.
                $outcome['aborted'] = connection_aborted() === 1;
                $outcome['fatal'] = error_get_last()['message'] ?? null;
                $outcome['ms'] = round((microtime(true) - $outcome['started']) * 1000);
                file_put_contents($log, json_encode($outcome, JSON_UNESCAPED_SLASHES) . "\n", FILE_APPEND | LOCK_EX);
            });
            header('Content-Type: application/octet-stream');
            header("Content-Length: $size");
            $fatalAfter = int_param('fatal_after_kib');
            if ($fatalAfter !== null) {
                // A fatal error raised inside the output layer by a handler.
                $seen = 0;
                ob_start(function (string $buffer) use (&$seen, $fatalAfter): string {
                    $seen += strlen($buffer);
                    // Once: the shutdown function's ob_end_clean() calls this again.
                    if ($seen >= $fatalAfter * 1024 && $seen - strlen($buffer) < $fatalAfter * 1024) {
                        trigger_error('app.php: fatal error in an output buffer, on purpose', E_USER_ERROR);
                    }
                    return '';
                }, 65536);
            }
            $memoryLimit = int_param('memory_limit_mib');
            if ($memoryLimit !== null) {
                // The memory the rest of a request holds (a ticket's thread,
                // a PDF being built), so the buffer meets the limit after a
                // few MiB, in many small growths: when one growth alone would
                // pass twice the limit, PHP ends the process instead ("Hard
                // memory limit", no shutdown functions): see README.md.
                ini_set('memory_limit', "{$memoryLimit}M");
                $hog = str_repeat('h', (int) int_param('hog_mib', 0) << 20);
                ob_start();
            }
            try {
                $outcome['sent'] = backend()->passthru($key);
            } catch (S3AttachmentException $e) {
                $outcome['error'] = get_class($e) . ': ' . $e->getMessage();
            }
            break;

        case 'presign':
            reply(200, ['url' => backend()->presignGet($key, ['ttl' => 300, 'filename' => "obj n°$n \"quoted\".bin"])]);
            break;

        case 'head':
            $h = backend()->head($key);
            reply(200, ['head' => $h === null ? null : ['size' => $h['size'], 'etag' => $h['etag']]]);
            break;

        case 'delete':
            reply(200, ['deleted' => backend()->delete($key)]);
            break;

        case 'stats':
            $threads = preg_match('/^Threads:\s+(\d+)/m', (string) @file_get_contents('/proc/self/status'), $m)
                ? (int) $m[1] : null;
            reply(200, ['pid' => getmypid(), 'clients' => client_count(), 'threads' => $threads,
                'sapi' => PHP_SAPI, 'extension' => extension_loaded('s3_attachments'),
                'ini' => php_ini_loaded_file(), 'scanned' => php_ini_scanned_files()]);
            break;

        default:
            reply(400, ['error' => "unknown action '$action'"]);
    }
} catch (S3AttachmentNotFoundException $e) {
    reply(404, ['error' => $e->getMessage(), 'class' => get_class($e)]);
} catch (Throwable $e) {
    error_log('app.php: ' . get_class($e) . ': ' . $e->getMessage());
    if (!headers_sent()) {
        reply(500, ['error' => $e->getMessage(), 'class' => get_class($e)]);
    }
}
