<?php
// Deletes what a bench run stored: the keys given as arguments, and the
// small objects of scenarios 2-4 and 9 under BENCH_PREFIX if a run stopped
// half way. Deleting a missing object is not an error.
require __DIR__ . '/common.php';

$b = bench_backend();
$prefix = bench_prefix();
foreach (array_slice($argv, 1) as $key) {
    $b->delete($key);
}
foreach (["{$prefix}range-src", "{$prefix}cold-start", "{$prefix}warm-up-probe"] as $key) {
    $b->delete($key);
}
$warm = max(20, bench_int('BENCH_WARMUP', 20));
for ($i = 0; $i < $warm; $i++) {
    $b->delete("{$prefix}warm-$i");
}
$n = bench_int('BENCH_SMALL_N', 1000);
$small = fn (int $i) => sprintf('%ssmall-%05d', $prefix, $i);
if ($b->head($small(0)) !== null || $b->head($small($n - 1)) !== null) {
    for ($i = 0; $i < $n; $i++) {
        $b->delete($small($i));
    }
}
