<?php
// Scenario 8: openRead of BENCH_BIG_KEY, then read(BENCH_READ_CHUNK) until ''
// (default 65,536, the method's own default).
require __DIR__ . '/common.php';

$key = bench_env('BENCH_BIG_KEY');
$chunk = bench_int('BENCH_READ_CHUNK', 65536);
[$b, $hwm0, $cpu0] = big_transfer_start();

$t = hrtime(true);
$r = $b->openRead($key);
$n = 0;
while (($s = $r->read($chunk)) !== '') {
    $n += strlen($s);
}
$seconds = (hrtime(true) - $t) / 1e9;
if ($n !== $r->size()) {
    throw new RuntimeException("read $n of {$r->size()} bytes");
}
emit(big_result('openread', $n, $seconds, $hwm0, $cpu0) + ['chunk_bytes' => $chunk]);
