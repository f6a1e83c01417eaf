<?php
// Scenario 9: cold start. A fresh `php` process that loads the extension,
// builds a backend and stores 10 KiB, against `php -r ''` alone; plus
// `php -d extension=... -r ''` to show what loading the .so costs by itself.
// The variants run round-robin, BENCH_COLD_N rounds (default 100), each
// process timed from spawn to exit.
require __DIR__ . '/common.php';

$n = bench_int('BENCH_COLD_N', 100);
$so = bench_env('BENCH_EXTENSION');
$php = PHP_BINARY;
$variants = [
    'php_r_empty' => [$php, '-r', ''],
    'load_extension' => [$php, '-d', "extension=$so", '-r', ''],
    'load_build_put' => [$php, '-d', "extension=$so", __DIR__ . '/s9_cold_child.php'],
];

function spawn_us(array $cmd): float
{
    $t = hrtime(true);
    $p = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => STDERR], $pipes);
    if (!is_resource($p)) {
        throw new RuntimeException('cannot start ' . implode(' ', $cmd));
    }
    $rc = proc_close($p);
    $us = (hrtime(true) - $t) / 1000;
    if ($rc !== 0) {
        throw new RuntimeException('failed (exit ' . $rc . '): ' . implode(' ', $cmd));
    }
    return $us;
}

$samples = array_fill_keys(array_keys($variants), []);
for ($round = -3; $round < $n; $round++) {
    foreach ($variants as $name => $cmd) {
        $us = spawn_us($cmd);
        if ($round >= 0) {
            $samples[$name][] = $us;
        }
    }
}
bench_backend()->delete(bench_prefix() . 'cold-start');

$stats = array_map('summarize', $samples);
$base = $stats['php_r_empty'];
$full = $stats['load_build_put'];
emit([
    'scenario' => 'cold_start',
    'n' => $n,
    'overhead_median_us' => round($full['median_us'] - $base['median_us'], 3),
    'overhead_p90_us' => round($full['p90_us'] - $base['p90_us'], 3),
    'load_only_overhead_median_us' => round($stats['load_extension']['median_us'] - $base['median_us'], 3),
    'variants' => $stats,
]);
