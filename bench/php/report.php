<?php
// Turns one run's raw figures into the table and the JSON report.
//
//   php bench/php/report.php RUN_DIR OUT_JSON MODE
//
// RUN_DIR holds *.json files, one JSON object per line: the Rust floor's
// (program "rust-floor"), the PHP scenarios' and curl's (written by
// bench/run). MODE is "full" or "quick"; a quick run is judged "n/a": its
// sizes are too small to mean anything, it only proves the benchmark runs.
declare(strict_types=1);

require __DIR__ . '/table.php';
require __DIR__ . '/stats.php';

[$self, $dir, $outFile, $mode] = $argv + [null, null, null, 'full'];
if ($dir === null || $outFile === null) {
    fwrite(STDERR, "usage: report.php RUN_DIR OUT_JSON [full|quick]\n");
    exit(2);
}

const MIB = 1048576;
const RSS_LIMIT = 64 * MIB;

$floors = [];
$by = [];
foreach (glob("$dir/*.json") as $file) {
    foreach (file($file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
        $o = json_decode($line, true, 512, JSON_THROW_ON_ERROR);
        if (($o['program'] ?? null) === 'rust-floor') {
            $floors[] = $o;
        } elseif (isset($o['scenario'])) {
            $by[$o['scenario']][] = $o;
        }
    }
}
/// Rounds of a latency scenario (bench/run alternates the floor and PHP):
/// one set of figures over all their samples.
function merge_rounds(array $rounds): array
{
    $samples = array_merge(...array_column($rounds, 'samples_us'));
    $merged = summarize($samples, $rounds[0]['bytes_per_op'] ?? 0) + $rounds[0];
    $merged['rounds'] = count($rounds);
    $cpu = array_column($rounds, 'cpu_us_per_op');
    if (count($cpu) === count($rounds)) {
        // Weighted by each round's count.
        $merged['cpu_us_per_op'] = round(array_sum(array_map(fn ($r) => $r['cpu_us_per_op'] * $r['n'], $rounds)) / $merged['n'], 1);
    }
    if (isset($rounds[0]['rss_growth_bytes'])) {
        $merged['rss_growth_bytes'] = max(array_column($rounds, 'rss_growth_bytes'));
    }
    if (isset($rounds[0]['loop_seconds'])) {
        $merged['loop_ops_per_s'] = round($merged['n'] / array_sum(array_column($rounds, 'loop_seconds')), 1);
    }
    return $merged;
}

$floor = null;
if ($floors) {
    $floor = ['program' => 'rust-floor', 'rounds' => count($floors)];
    foreach (['presign', 'put_10k', 'read_128k', 'head', 'delete'] as $s) {
        $floor[$s] = merge_rounds(array_column($floors, $s));
    }
}
foreach (['presign', 'put_10k', 'read_128k', 'head', 'delete'] as $s) {
    if (!empty($by[$s])) {
        $by[$s] = [merge_rounds($by[$s])];
    }
}

$need = ['presign', 'put_10k', 'read_128k', 'head', 'delete', 'putfile', 'upload_stream', 'passthru', 'openread',
    'cold_start', 'curl_upload', 'curl_download'];
$missing = array_values(array_filter($need, fn ($s) => empty($by[$s])));
if ($floor === null) {
    $missing[] = 'rust-floor';
}
if ($missing) {
    fwrite(STDERR, 'report: no figures for ' . implode(', ', $missing) . "\n");
    exit(1);
}

/// Repetitions of a large transfer (one process each): median and p90 of
/// the durations; the worst memory growth.
function big(array $runs): array
{
    $secs = array_column($runs, 'seconds');
    $bytes = $runs[0]['bytes'];
    $m = median($secs);
    $rss = array_column($runs, 'rss_growth_bytes');
    $cpu = array_map(fn ($r) => isset($r['cpu_user_s']) ? $r['cpu_user_s'] + $r['cpu_sys_s'] : null, $runs);
    $cpu = array_values(array_filter($cpu, fn ($c) => $c !== null));
    return [
        'n' => count($runs),
        'bytes' => $bytes,
        'median_us' => $m * 1e6,
        'p90_us' => nearest_rank($secs, 0.9) * 1e6,
        'mib_per_s' => $bytes / MIB / $m,
        'rss_growth_bytes' => $rss ? max($rss) : null,
        'seconds_each' => $secs,
        'cpu_s' => $cpu ? median($cpu) : null,
    ];
}

function dur(?float $us): string
{
    if ($us === null) {
        return '—';
    }
    if ($us < 1000) {
        return sprintf('%.1f µs', $us);
    }
    if ($us < 1e6) {
        return sprintf('%.2f ms', $us / 1000);
    }
    return sprintf('%.2f s', $us / 1e6);
}

function mib(?int $bytes): string
{
    return $bytes === null ? '—' : sprintf('%.1f MiB', $bytes / MIB);
}

$judge = $mode === 'full';
$rows = [];
$row = function (string $id, string $name, array $f) use (&$rows, $judge) {
    $f += ['rss_growth_bytes' => null, 'target' => '', 'ratio' => null, 'ratio_of' => '', 'pass' => null];
    if (!$judge && $f['pass'] !== null) {
        $f['pass'] = 'n/a';
    }
    $rows[] = ['id' => $id, 'scenario' => $name] + $f;
};

// 1. presign
$p = $by['presign'][0];
$fp = $floor['presign'];
$rate = 1e6 / $p['median_us'];
$row('1', 'presign GET + disposition + filename', [
    'n' => $p['n'], 'median_us' => $p['median_us'], 'p90_us' => $p['p90_us'],
    'throughput' => sprintf('%s/s', number_format($p['loop_ops_per_s'])),
    'ops_per_s' => $p['loop_ops_per_s'], 'ops_per_s_from_median' => round($rate),
    'rss_growth_bytes' => $p['rss_growth_bytes'], 'cpu_us_per_op' => $p['cpu_us_per_op'] ?? null,
    'target' => '≥ 30,000/s', 'ratio' => $p['median_us'] / $fp['median_us'], 'ratio_of' => 'Rust SDK presigner, time',
    'pass' => $rate >= 30000 && $p['loop_ops_per_s'] >= 30000,
]);

// 2-4. small requests against the Rust floor
$small = [
    ['2', 'put_10k', 'putString 10 KiB'],
    ['3', 'read_128k', 'read 128 KiB range'],
    ['4a', 'head', 'head'],
    ['4b', 'delete', 'delete'],
];
foreach ($small as [$id, $s, $name]) {
    $e = $by[$s][0];
    $f = $floor[$s];
    $ratio = $e['median_us'] / $f['median_us'];
    $row($id, $name, [
        'n' => $e['n'], 'median_us' => $e['median_us'], 'p90_us' => $e['p90_us'],
        'throughput' => $e['mib_per_s'] > 0 ? sprintf('%.1f MiB/s', $e['mib_per_s']) : sprintf('%s/s', number_format($e['ops_per_s'])),
        'ops_per_s' => $e['ops_per_s'], 'rss_growth_bytes' => $e['rss_growth_bytes'],
        'cpu_us_per_op' => $e['cpu_us_per_op'] ?? null, 'floor_cpu_us_per_op' => $f['cpu_us_per_op'] ?? null,
        'target' => '≤ 1.25× floor', 'ratio' => $ratio, 'ratio_of' => 'Rust floor, time', 'pass' => $ratio <= 1.25,
    ]);
}

// 5-8. large transfers against curl
$curlUp = big($by['curl_upload']);
$curlDown = big($by['curl_download']);
$curlUpCrc = empty($by['curl_upload_crc']) ? null : big($by['curl_upload_crc']);
$large = [
    ['5', 'putfile', 'putFile', $curlUp],
    ['6', 'upload_stream', 'createUpload()->write() 128 KiB blocks', $curlUp],
    ['7', 'passthru', 'passthru → discarding ob handler', $curlDown],
    ['8', 'openread', 'openRead()->read() sequential', $curlDown],
];
$sizeLabel = fn (int $b) => $b >= 1 << 30 ? sprintf('%g GiB', $b / (1 << 30)) : sprintf('%g MiB', $b / MIB);
foreach ($large as [$id, $s, $name, $c]) {
    $e = big($by[$s]);
    $ratio = $e['mib_per_s'] / $c['mib_per_s'];
    $rssOk = $e['rss_growth_bytes'] <= RSS_LIMIT;
    // Uploads: also against curl sending the same CRC32C (same server work).
    $crcRatio = $c === $curlUp && $curlUpCrc ? $e['mib_per_s'] / $curlUpCrc['mib_per_s'] : null;
    $row($id, "$name, " . $sizeLabel($e['bytes']), [
        'median_us' => $e['median_us'], 'p90_us' => $e['p90_us'],
        'throughput' => sprintf('%.0f MiB/s', $e['mib_per_s']), 'mib_per_s' => $e['mib_per_s'],
        'rss_growth_bytes' => $e['rss_growth_bytes'], 'reps' => $e['n'], 'seconds_each' => $e['seconds_each'],
        'cpu_s' => $e['cpu_s'],
        'target' => '≥ 0.90× curl, RSS ≤ 64 MiB', 'ratio' => $ratio,
        'ratio_of' => 'curl, throughput' . ($crcRatio === null ? '' : sprintf('; %.2f× curl+CRC32C', $crcRatio)),
        'ratio_vs_curl_crc32c' => $crcRatio,
        'pass' => $ratio >= 0.90 && $rssOk,
    ]);
}

// 9. cold start
$c = $by['cold_start'][0];
$v = $c['variants'];
$row('9', 'cold start: load + backend + 10 KiB put', [
    'n' => $c['n'], 'median_us' => $c['overhead_median_us'], 'p90_us' => $c['overhead_p90_us'],
    'throughput' => sprintf("php -r '' %s; +load %s", dur($v['php_r_empty']['median_us']), dur($c['load_only_overhead_median_us'])),
    'variants' => $v, 'target' => "≤ 5 ms over php -r ''", 'pass' => $c['overhead_median_us'] <= 5000,
]);

// Floors, for reference.
foreach (['presign' => 'presign (SDK presigner)', 'put_10k' => 'PutObject 10 KiB', 'read_128k' => 'GetObject 128 KiB range',
    'head' => 'HeadObject', 'delete' => 'DeleteObject'] as $s => $name) {
    $f = $floor[$s];
    $row('F', "floor: Rust aws-sdk-s3 $name", [
        'n' => $f['n'], 'median_us' => $f['median_us'], 'p90_us' => $f['p90_us'],
        'throughput' => $f['mib_per_s'] > 0 ? sprintf('%.1f MiB/s', $f['mib_per_s']) : sprintf('%s/s', number_format($f['ops_per_s'])),
        'ops_per_s' => $f['ops_per_s'], 'cpu_us_per_op' => $f['cpu_us_per_op'] ?? null,
    ]);
}
foreach (array_filter(['upload' => $curlUp, 'upload + x-amz-checksum-crc32c' => $curlUpCrc, 'download' => $curlDown]) as $what => $c) {
    $row('F', "floor: curl $what, " . $sizeLabel($c['bytes']), [
        'median_us' => $c['median_us'], 'p90_us' => $c['p90_us'],
        'throughput' => sprintf('%.0f MiB/s', $c['mib_per_s']), 'mib_per_s' => $c['mib_per_s'],
        'reps' => $c['n'], 'seconds_each' => $c['seconds_each'], 'cpu_s' => $c['cpu_s'],
    ]);
}

// The table.
$head = ['#', 'scenario', 'median', 'p90', 'throughput', 'peak RSS growth', 'client CPU', 'target', 'ratio vs floor', 'result'];
$lines = [];
foreach ($rows as $r) {
    $pass = $r['pass'] === null ? '' : ($r['pass'] === 'n/a' ? 'n/a' : ($r['pass'] ? 'PASS' : 'FAIL'));
    $lines[] = [$r['id'], $r['scenario'], dur($r['median_us']), dur($r['p90_us']), $r['throughput'],
        mib($r['rss_growth_bytes']), isset($r['cpu_s']) ? sprintf('%.2f s', $r['cpu_s']) : (isset($r['cpu_us_per_op']) ? sprintf('%.0f µs/op', $r['cpu_us_per_op']) : ''), $r['target'], $r['ratio'] === null ? '' : sprintf('%.2f× (%s)', $r['ratio'], $r['ratio_of']), $pass];
}
print_table($head, $lines);
$judged = array_filter($rows, fn ($r) => is_bool($r['pass']));
$passed = count(array_filter($judged, fn ($r) => $r['pass']));
$load = implode(' ', array_slice(explode(' ', (string) @file_get_contents('/proc/loadavg')), 0, 3));
printf("\nExtension: %s. Load average before: %s, after: %s (2 cores; above ~0.5 others were busy too).\n", getenv('BENCH_BUILD') ?: '?', getenv('BENCH_LOAD_BEFORE') ?: '?', $load);
if ($judge) {
    printf("%d of %d targets met.\n", $passed, count($judged));
} else {
    echo "\nQuick run: sizes too small to judge targets; it proves every scenario runs.\n";
}

/// The per-request latencies stay out of the report: thousands of numbers.
function strip_samples(array $a): array
{
    unset($a['samples_us']);
    foreach ($a as $k => $v) {
        if (is_array($v)) {
            $a[$k] = strip_samples($v);
        }
    }
    return $a;
}

$cpu = preg_match('/^model name\s*:\s*(.+)$/m', (string) @file_get_contents('/proc/cpuinfo'), $m) ? $m[1] : 'unknown';
$report = [
    'mode' => $mode,
    'date' => gmdate('Y-m-d\TH:i:s\Z'),
    'machine' => ['cpu' => $cpu, 'cores' => (int) trim((string) shell_exec('nproc')), 'kernel' => php_uname('r'),
        'loadavg_before' => getenv('BENCH_LOAD_BEFORE') ?: null,
        'loadavg_after' => implode(' ', array_slice(explode(' ', (string) @file_get_contents('/proc/loadavg')), 0, 3))],
    'php' => PHP_VERSION,
    'extension' => getenv('BENCH_BUILD') ?: null,
    'server' => getenv('BENCH_SERVER') ?: null,
    'config' => getenv('BENCH_CONFIG') ? json_decode(getenv('BENCH_CONFIG'), true) : null,
    'targets_met' => $judge ? $passed : null,
    'targets' => $judge ? count($judged) : null,
    'rows' => $rows,
    'raw' => strip_samples(['rust_floor' => $floor, 'scenarios' => $by]),
];
$report = strip_samples($report);
file_put_contents($outFile, json_encode($report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR) . "\n");
echo "Written: $outFile\n";
