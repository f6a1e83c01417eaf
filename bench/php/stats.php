<?php
// Statistics shared by the scenario scripts and report.php: the same
// definitions as the Rust floor (bench/floor/src/main.rs).

declare(strict_types=1);

/// Latencies (microseconds) to median, p90, mean and throughput; the same
/// definitions as the Rust floor. `$cpuSeconds`: the CPU the loop took
/// (user + system, all threads), reported per operation.
function summarize(array $samples, int $bytesPerOp = 0, ?float $cpuSeconds = null): array
{
    sort($samples);
    $n = count($samples);
    $median = median($samples);
    $p90 = nearest_rank($samples, 0.9);
    $total = array_sum($samples);
    $ops = $n / ($total / 1e6);
    return [
        'n' => $n,
        'median_us' => round($median, 3),
        'p90_us' => round($p90, 3),
        'mean_us' => round($total / $n, 3),
        'ops_per_s' => round($ops, 1),
        'mib_per_s' => round($ops * $bytesPerOp / 1048576, 2),
        'bytes_per_op' => $bytesPerOp,
        'cpu_us_per_op' => $cpuSeconds === null ? null : round($cpuSeconds * 1e6 / $n, 1),
        // The raw latencies too, so bench/run can merge rounds (see report.php).
        'samples_us' => array_map(fn ($v) => round($v, 2), $samples),
    ];
}

/// The value at quantile `$q` by the nearest-rank method (p90: `$q` 0.9).
function nearest_rank(array $v, float $q): float
{
    sort($v);
    return $v[max(1, (int) ceil(count($v) * $q)) - 1];
}

function median(array $v): float
{
    sort($v);
    $n = count($v);
    return $n % 2 ? $v[intdiv($n, 2)] : ($v[$n / 2 - 1] + $v[$n / 2]) / 2;
}
