<?php
// Scenario 7: passthru of BENCH_BIG_KEY into an output handler that
// discards everything (what reaches a php-fpm client, minus the socket).
require __DIR__ . '/common.php';

$key = bench_env('BENCH_BIG_KEY');
[$b, $hwm0, $cpu0] = big_transfer_start();

$seen = 0;
$t = hrtime(true);
ob_start(function (string $buf) use (&$seen) {
    $seen += strlen($buf);
    return '';
}, 1 << 20);
$n = $b->passthru($key);
ob_end_flush(); // the handler sees the rest and discards it too
$seconds = (hrtime(true) - $t) / 1e9;
if ($seen !== $n) {
    throw new RuntimeException("passthru reported $n bytes, the output layer saw $seen");
}
emit(big_result('passthru', $n, $seconds, $hwm0, $cpu0));
