<?php
// Scenario 5: putFile of BENCH_BIG_FILE (1 GiB in a full run) to BENCH_BIG_KEY.
// One transfer per process: VmHWM is per process.
require __DIR__ . '/common.php';

$path = bench_env('BENCH_BIG_FILE');
$key = bench_env('BENCH_BIG_KEY');
$size = filesize($path);
[$b, $hwm0, $cpu0] = big_transfer_start();

$t = hrtime(true);
$r = $b->putFile($key, $path);
$seconds = (hrtime(true) - $t) / 1e9;
if ($r['size'] !== $size) {
    throw new RuntimeException("putFile stored {$r['size']} of $size bytes");
}
emit(big_result('putfile', $size, $seconds, $hwm0, $cpu0) + ['crc32c' => $r['checksums']['crc32c'] ?? null]);
