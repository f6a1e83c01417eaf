<?php
// Shared by the scenario scripts: configuration from the environment,
// the backend, timing, statistics and the JSON every scenario prints.
//
// Environment (bench/run sets it): S3_TEST_ENDPOINT, S3_TEST_REGION,
// S3_TEST_BUCKET, S3_TEST_ACCESS_KEY, S3_TEST_SECRET_KEY from
// scripts/s3-server.sh env; BENCH_PREFIX (key prefix of this run);
// optional BENCH_PART_SIZE, BENCH_MULTIPART_THRESHOLD, BENCH_MAX_CONCURRENCY
// (default: the extension's own defaults, what users get).

declare(strict_types=1);

require_once __DIR__ . '/stats.php';

if (!extension_loaded('s3_attachments')) {
    fwrite(STDERR, "bench: the s3_attachments extension is not loaded (php -d extension=...)\n");
    exit(2);
}

const SMALL_SIZE = 10 * 1024;
const RANGE_LEN = 128 * 1024;
const RANGE_SRC_SIZE = 1024 * 1024;
const FILENAME = 'Quarterly report – 2026 (final).pdf';

function bench_env(string $name, ?string $default = null): string
{
    $v = getenv($name);
    if ($v === false || $v === '') {
        if ($default !== null) {
            return $default;
        }
        fwrite(STDERR, "bench: $name is not set\n");
        exit(2);
    }
    return $v;
}

function bench_int(string $name, int $default): int
{
    return (int) bench_env($name, (string) $default);
}

function bench_prefix(): string
{
    return bench_env('BENCH_PREFIX');
}

function bench_backend(): S3AttachmentBackend
{
    $o = [
        'bucket' => bench_env('S3_TEST_BUCKET'),
        'endpoint' => bench_env('S3_TEST_ENDPOINT'),
        'region' => bench_env('S3_TEST_REGION'),
        'path_style' => true,
        'access_key_id' => bench_env('S3_TEST_ACCESS_KEY'),
        'secret_access_key' => bench_env('S3_TEST_SECRET_KEY'),
    ];
    foreach (['part_size', 'multipart_threshold', 'max_concurrency'] as $k) {
        $v = getenv('BENCH_' . strtoupper($k));
        if ($v !== false && $v !== '') {
            $o[$k] = (int) $v;
        }
    }
    return new S3AttachmentBackend($o);
}

/// The same deterministic filler as the Rust floor (bench/floor/src/main.rs).
function bench_payload(int $len): string
{
    $out = '';
    for ($i = 0; $i < $len; $i++) {
        $out .= chr((($i * 2654435761) >> 13) & 0xFF);
    }
    return $out;
}

/// Peak resident set size of this process so far, in bytes.
function vm_hwm(): int
{
    $status = file_get_contents('/proc/self/status');
    if ($status !== false && preg_match('/^VmHWM:\s+(\d+)\s+kB/m', $status, $m)) {
        return (int) $m[1] * 1024;
    }
    return 0;
}

/// Runs a scenario's timed loop once per item; returns its latencies and,
/// in `$cpu`, the CPU seconds (user + system, all threads) it took.
function time_each(iterable $items, callable $op, ?float &$cpu = null): array
{
    $samples = [];
    $c0 = cpu_seconds();
    foreach ($items as $item) {
        $t = hrtime(true);
        $op($item);
        $samples[] = (hrtime(true) - $t) / 1000;
    }
    $c1 = cpu_seconds();
    $cpu = $c1[0] - $c0[0] + $c1[1] - $c0[1];
    return $samples;
}

function emit(array $result): void
{
    $result['php'] = PHP_VERSION;
    echo json_encode($result, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR), "\n";
}

/// A sequence of integers without materialising an array.
function upto(int $n): Generator
{
    for ($i = 0; $i < $n; $i++) {
        yield $i;
    }
}

/// A large transfer's result. `$hwm0` is VmHWM taken before the backend made
/// any request, so the growth includes the runtime, the client and every
/// buffer the transfer needed.
function big_result(string $scenario, int $bytes, float $seconds, int $hwm0, array $cpu0): array
{
    $hwm = vm_hwm();
    $cpu = cpu_seconds();
    return [
        'scenario' => $scenario,
        'bytes' => $bytes,
        'seconds' => round($seconds, 4),
        'mib_per_s' => round($bytes / 1048576 / $seconds, 2),
        'vmhwm_before_bytes' => $hwm0,
        'vmhwm_after_bytes' => $hwm,
        'rss_growth_bytes' => $hwm - $hwm0,
        // The process's CPU, all threads (PHP's and the runtime's), while it ran.
        'cpu_user_s' => round($cpu[0] - $cpu0[0], 3),
        'cpu_sys_s' => round($cpu[1] - $cpu0[1], 3),
    ];
}

/// [user, system] CPU seconds this process used so far, all threads.
function cpu_seconds(): array
{
    $r = getrusage();
    return [$r['ru_utime.tv_sec'] + $r['ru_utime.tv_usec'] / 1e6, $r['ru_stime.tv_sec'] + $r['ru_stime.tv_usec'] / 1e6];
}

/// The first request of a process builds the runtime and the client and
/// opens a connection; do it before the clock starts (curl's figures
/// include only one connection set-up, a millisecond on loopback).
function warm_up(S3AttachmentBackend $b): void
{
    $b->head(bench_prefix() . 'warm-up-probe');
}

/// What the latency scenarios (2-4) start from: their count, their warm-up
/// count, the run's key prefix and a backend.
function latency_start(): array
{
    return [bench_int('BENCH_SMALL_N', 1000), bench_int('BENCH_WARMUP', 20), bench_prefix(), bench_backend()];
}

/// What the 1 GiB scenarios (5-8) start from: a warmed-up backend, VmHWM
/// taken before its first request, and the CPU used so far.
function big_transfer_start(): array
{
    $b = bench_backend();
    $hwm0 = vm_hwm();
    warm_up($b);
    return [$b, $hwm0, cpu_seconds()];
}
