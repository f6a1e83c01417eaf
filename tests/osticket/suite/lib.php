<?php
/*
 * What the suite's tests share: checks that count, HTTP to the helpdesk,
 * manage.php runs, rows of the helpdesk's database, and an independent
 * view of the bucket (its own S3 client from S3_TEST_*, never the plugin's).
 */

require_once dirname(__DIR__, 2) . '/support/store_listing.php';

final class Suite
{
    /** @var int */
    public static $passed = 0;
    /** @var string[] */
    public static $failures = [];
    /** @var string the test running now */
    public static $test = '';

    /** One check: counted, and named in the report when it fails. */
    public static function check(bool $ok, string $what, string $detail = ''): bool
    {
        if ($ok) {
            self::$passed++;
        } else {
            $line = self::$test . ': ' . $what . ($detail !== '' ? " ($detail)" : '');
            self::$failures[] = $line;
            echo "  FAIL $line\n";
        }
        return $ok;
    }

    public static function same($expected, $actual, string $what): bool
    {
        return self::check($expected === $actual, $what,
            'expected ' . self::show($expected) . ', got ' . self::show($actual));
    }

    public static function contains(string $needle, string $haystack, string $what): bool
    {
        return self::check(strpos($haystack, $needle) !== false, $what,
            self::show($needle) . ' not in ' . self::show($haystack));
    }

    public static function show($value): string
    {
        if (is_string($value) && strlen($value) > 300) {
            return sprintf('%d bytes, sha1 %s, starting %s', strlen($value), sha1($value),
                json_encode(substr($value, 0, 120)));
        }
        return json_encode($value, JSON_UNESCAPED_SLASHES | JSON_PARTIAL_OUTPUT_ON_ERROR);
    }
}

function env(string $name): string
{
    $value = getenv($name);
    if ($value === false || $value === '') {
        fwrite(STDERR, "suite: $name is not set: run the suite through tests/osticket/run.sh\n");
        exit(1);
    }
    return $value;
}

/** Bytes nobody else has: osTicket de-duplicates files by content. */
function unique_bytes(int $size, string $label = 'file'): string
{
    $head = sprintf("%s %s %s\n", $label, bin2hex(random_bytes(8)), microtime(true));
    $data = $head;
    while (strlen($data) < $size) {
        $data .= random_bytes(min(65536, $size - strlen($data)));
    }
    return substr($data, 0, $size);
}

// ---------------------------------------------------------------- HTTP

/**
 * @return array{status: int, headers: array<string, string>, body: string, error: string}
 *   header names lowercased; a repeated header keeps its last value; error:
 *   what went wrong after the status line (e.g. a body shorter than its
 *   Content-Length), '' for a complete response
 */
function http_request(string $method, string $url, array $headers = [], ?string $body = null): array
{
    if ($url[0] === '/') {
        $url = env('OST_URL') . $url;
    }
    $ch = curl_init($url);
    $received = [];
    curl_setopt_array($ch, [
        CURLOPT_CUSTOMREQUEST => $method,
        CURLOPT_FOLLOWLOCATION => false,
        CURLOPT_TIMEOUT => 60,
        CURLOPT_HTTPHEADER => $headers,
        CURLOPT_HEADERFUNCTION => function ($ch, $line) use (&$received) {
            if (strpos($line, ':') !== false) {
                [$name, $value] = explode(':', $line, 2);
                $received[strtolower(trim($name))] = trim($value);
            }
            return strlen($line);
        },
    ]);
    if ($body !== null) {
        curl_setopt($ch, CURLOPT_POSTFIELDS, $body);
    }
    if ($method === 'HEAD') {
        curl_setopt($ch, CURLOPT_NOBODY, true); // else curl waits for the Content-Length it announces
    }
    $body = '';
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, false);
    curl_setopt($ch, CURLOPT_WRITEFUNCTION, function ($ch, $chunk) use (&$body) {
        $body .= $chunk;
        return strlen($chunk);
    });
    $ok = curl_exec($ch);
    $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    if (!$ok && $status === 0) {
        throw new RuntimeException("$method $url: " . curl_error($ch));
    }
    return ['status' => $status, 'headers' => $received, 'body' => $body, 'error' => $ok ? '' : curl_error($ch)];
}

// ---------------------------------------------------------------- manage.php

/**
 * @return array{exit: int, out: string, err: string, log: string} log: what
 *   the command wrote to PHP's error log (where manage.php's failures are
 *   explained), without osTicket's deprecations
 */
function manage(string ...$args): array
{
    clearstatcache();
    $logStart = (int) @filesize(env('OST_PHP_ERROR_LOG'));
    $cmd = array_merge([env('OST_PHP'), 'manage.php'], $args);
    $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, env('OST_ROOT'));
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    $exit = proc_close($proc);
    $log = (string) @file_get_contents(env('OST_PHP_ERROR_LOG'), false, null, $logStart);
    $log = implode("\n", array_filter(explode("\n", $log), function ($line) {
        return $line !== '' && strpos($line, 'PHP Deprecated:') === false;
    }));
    return ['exit' => $exit, 'out' => $out, 'err' => $err, 'log' => $log];
}

// ---------------------------------------------------------------- database

/** Rows of a query, straight from the database (never osTicket's object cache). */
function rows(string $sql): array
{
    $res = db_query($sql);
    if (!$res) {
        throw new RuntimeException("query failed: $sql: " . db_error());
    }
    $rows = [];
    while ($row = db_fetch_array($res)) {
        $rows[] = $row;
    }
    return $rows;
}

function file_row(int $id): ?array
{
    return rows('SELECT * FROM ' . FILE_TABLE . ' WHERE id=' . db_input($id))[0] ?? null;
}

/** The bytes the database backend holds for a file ('' when none). */
function file_db_bytes(int $id): string
{
    $data = '';
    foreach (rows('SELECT filedata FROM ' . FILE_CHUNK_TABLE . ' WHERE file_id=' . db_input($id)
        . ' ORDER BY chunk_id') as $row) {
        $data .= $row['filedata'];
    }
    return $data;
}

/** A fresh AttachmentFile, not the one osTicket's model cache may hold from before a manage.php run. */
function fresh_file(int $id): AttachmentFile
{
    $row = file_row($id);
    if (!$row) {
        throw new RuntimeException("no ost_file row $id");
    }
    return AttachmentFile::getMeta()->newInstance($row);
}

/** New files go to this backend ('3' or 'D'), as Admin > Settings > System > Store Attachments does. */
function use_storage(string $char): void
{
    global $cfg;
    if (!$cfg->update('default_storage_bk', $char)) {
        throw new RuntimeException("cannot set default_storage_bk=$char");
    }
}

/**
 * A file of the installed plugin as PHP names it once loaded:
 * INCLUDE_DIR/plugins/s3-native/NAME, or phar://INCLUDE_DIR/plugins/….phar/NAME.
 */
function plugin_file(string $name): string
{
    $install = env('OST_PLUGIN_PATH');
    $path = INCLUDE_DIR . "$install/$name";
    return substr($install, -5) === '.phar' ? "phar://$path" : $path;
}

// ---------------------------------------------------------------- the bucket

function bucket(): string
{
    return env('S3_TEST_BUCKET');
}

function s3(): S3AttachmentBackend
{
    static $s3;
    return $s3 ?: $s3 = new S3AttachmentBackend([
        'bucket' => bucket(),
        'endpoint' => env('S3_TEST_ENDPOINT'),
        'region' => env('S3_TEST_REGION'),
        'path_style' => true,
        'access_key_id' => env('S3_TEST_ACCESS_KEY'),
        'secret_access_key' => env('S3_TEST_SECRET_KEY'),
    ]);
}

/** Where the plugin must put a file of this run: FOLDER/KEY (computed here, independently). */
function object_key_for(array $fileRow): string
{
    return env('OST_S3_FOLDER') . '/' . $fileRow['key'];
}

/** The whole object, or null when the bucket has none. */
function object_bytes(string $key): ?string
{
    if (s3()->head($key) === null) {
        return null;
    }
    $data = '';
    $reader = s3()->openRead($key);
    while (($chunk = $reader->read(1048576)) !== '') {
        $data .= $chunk;
    }
    return $data;
}

/** The ost_config namespace of the plugin instance's settings. */
function plugin_config_namespace(): string
{
    $rows = rows('SELECT namespace FROM ' . CONFIG_TABLE . " WHERE namespace LIKE 'plugin.%.instance.%' AND `key`='bucket'");
    if (count($rows) !== 1) {
        throw new RuntimeException('expected one configured plugin instance, found ' . count($rows));
    }
    return $rows[0]['namespace'];
}

/** Runs $body with the plugin's saved endpoint set to $endpoint (a fault proxy), then puts it back. */
function with_endpoint(string $endpoint, callable $body)
{
    $namespace = db_input(plugin_config_namespace());
    $saved = rows('SELECT value FROM ' . CONFIG_TABLE . " WHERE namespace=$namespace AND `key`='endpoint'")[0]['value'];
    db_query('UPDATE ' . CONFIG_TABLE . ' SET value=' . db_input($endpoint) . " WHERE namespace=$namespace AND `key`='endpoint'");
    try {
        return $body();
    } finally {
        db_query('UPDATE ' . CONFIG_TABLE . ' SET value=' . db_input($saved) . " WHERE namespace=$namespace AND `key`='endpoint'");
    }
}

/** GETs of one object that reached the store so far. */
function store_gets(RequestRecorder $recorder, string $objectKey): int
{
    return count(array_filter($recorder->paths('GET'), function ($path) use ($objectKey) {
        return substr(rawurldecode($path), -strlen($objectKey)) === $objectKey;
    }));
}
