<?php
// Scenario 4: head, then delete, each of the BENCH_SMALL_N objects that
// scenario 2 wrote (written here, untimed, when run on its own).
require __DIR__ . '/common.php';

[$n, $warm, $prefix, $b] = latency_start();
$key = fn (int $i) => sprintf('%ssmall-%05d', $prefix, $i);
$data = bench_payload(SMALL_SIZE);
if ($b->head($key(0)) === null) {
    for ($i = 0; $i < $n; $i++) {
        $b->putString($key($i), $data);
    }
}
for ($i = 0; $i < $warm; $i++) {
    $b->putString("{$prefix}warm-$i", $data);
}
$hwm0 = vm_hwm();

for ($i = 0; $i < $warm; $i++) {
    $b->head("{$prefix}warm-$i");
}
$head = time_each(upto($n), function (int $i) use ($b, $key) {
    $info = $b->head($key($i));
    if ($info === null || $info['size'] !== SMALL_SIZE) {
        throw new RuntimeException('head: missing ' . $key($i));
    }
}, $cpuHead);
for ($i = 0; $i < $warm; $i++) {
    $b->delete("{$prefix}warm-$i");
}
$delete = time_each(upto($n), fn (int $i) => $b->delete($key($i)), $cpuDelete);
if ($b->head($key(0)) !== null) {
    throw new RuntimeException('delete: still there');
}
$growth = vm_hwm() - $hwm0;
emit(['scenario' => 'head'] + summarize($head, 0, $cpuHead) + ['rss_growth_bytes' => $growth]);
emit(['scenario' => 'delete'] + summarize($delete, 0, $cpuDelete) + ['rss_growth_bytes' => $growth]);
