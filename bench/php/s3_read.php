<?php
// Scenario 3: 128 KiB ranged read, BENCH_SMALL_N times (default 1,000), at
// varying offsets of a 1 MiB object (the same offsets as the Rust floor).
require __DIR__ . '/common.php';

[$n, $warm, $prefix, $b] = latency_start();
$key = "{$prefix}range-src";
$b->putString($key, bench_payload(RANGE_SRC_SIZE));
$span = intdiv(RANGE_SRC_SIZE - RANGE_LEN, 4096);
$hwm0 = vm_hwm();

for ($i = 0; $i < $warm; $i++) {
    $b->read($key, ($i % $span) * 4096, RANGE_LEN);
}
$samples = time_each(upto($n), function (int $i) use ($b, $key, $span) {
    $s = $b->read($key, (($i * 7) % $span) * 4096, RANGE_LEN);
    if (strlen($s) !== RANGE_LEN) {
        throw new RuntimeException('short read');
    }
}, $cpu);
$b->delete($key);
emit(['scenario' => 'read_128k'] + summarize($samples, RANGE_LEN, $cpu) + ['rss_growth_bytes' => vm_hwm() - $hwm0]);
