<?php
// Scenario 2: 10 KiB putString, BENCH_SMALL_N times (default 1,000).
// The objects stay for scenario 4 (head, delete).
require __DIR__ . '/common.php';

[$n, $warm, $prefix, $b] = latency_start();
$data = bench_payload(SMALL_SIZE);
$hwm0 = vm_hwm();

for ($i = 0; $i < $warm; $i++) {
    $b->putString("{$prefix}warm-$i", $data);
}
$samples = time_each(upto($n), function (int $i) use ($b, $prefix, $data) {
    $r = $b->putString(sprintf('%ssmall-%05d', $prefix, $i), $data);
    if ($r['size'] !== SMALL_SIZE) {
        throw new RuntimeException('short put');
    }
}, $cpu);
for ($i = 0; $i < $warm; $i++) {
    $b->delete("{$prefix}warm-$i");
}
emit(['scenario' => 'put_10k'] + summarize($samples, SMALL_SIZE, $cpu) + ['rss_growth_bytes' => vm_hwm() - $hwm0]);
