<?php
/*
 * What bench/migration's PHP helpers share: configuration from the
 * environment, the process's CPU and peak RSS, and a backend on the bucket
 * the plugin writes to (the same endpoint: straight, or through the latency
 * proxy).
 */

require_once dirname(__DIR__, 2) . '/tests/support/store_listing.php';

function bench_env(string $name): string
{
    $value = getenv($name);
    if ($value === false || $value === '') {
        fwrite(STDERR, "$name is not set: run this through bench/migration\n");
        exit(1);
    }
    return $value;
}

/** User + system CPU of this process, all threads (the extension's runtime included). */
function cpu_seconds(): float
{
    $u = getrusage();
    return $u['ru_utime.tv_sec'] + $u['ru_utime.tv_usec'] / 1e6 + $u['ru_stime.tv_sec'] + $u['ru_stime.tv_usec'] / 1e6;
}

/** VmHWM (peak resident set) of this process, in bytes. */
function vm_hwm(): int
{
    preg_match('/^VmHWM:\s+(\d+) kB/m', (string) file_get_contents('/proc/self/status'), $m);
    return (int) ($m[1] ?? 0) * 1024;
}

/** A backend on the test bucket, path-style (SeaweedFS), through $endpoint (default: BENCH_S3_ENDPOINT). */
function bench_backend(?string $endpoint = null): S3AttachmentBackend
{
    return new S3AttachmentBackend([
        'bucket' => bench_env('S3_TEST_BUCKET'),
        'endpoint' => $endpoint ?? bench_env('BENCH_S3_ENDPOINT'),
        'region' => bench_env('S3_TEST_REGION'),
        'path_style' => true,
        'access_key_id' => bench_env('S3_TEST_ACCESS_KEY'),
        'secret_access_key' => bench_env('S3_TEST_SECRET_KEY'),
    ]);
}
