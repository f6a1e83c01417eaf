<?php
// Scenario 6: BENCH_BIG_FILE through createUpload()->write() in 128 KiB
// blocks, read from the file as they are written (how osTicket's migrate
// feeds a backend), then finish().
require __DIR__ . '/common.php';

$path = bench_env('BENCH_BIG_FILE');
$key = bench_env('BENCH_BIG_KEY');
$block = bench_int('BENCH_WRITE_BLOCK', 128 * 1024);
$size = filesize($path);
[$b, $hwm0, $cpu0] = big_transfer_start();

$t = hrtime(true);
$fh = fopen($path, 'rb');
$u = $b->createUpload($key);
while (($chunk = fread($fh, $block)) !== '' && $chunk !== false) {
    $u->write($chunk);
}
fclose($fh);
$r = $u->finish();
$seconds = (hrtime(true) - $t) / 1e9;
if ($r['size'] !== $size) {
    throw new RuntimeException("upload stored {$r['size']} of $size bytes");
}
emit(big_result('upload_stream', $size, $seconds, $hwm0, $cpu0) + ['block_bytes' => $block]);
