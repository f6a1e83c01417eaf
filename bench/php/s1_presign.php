<?php
// Scenario 1: presign a GET with disposition + filename, from PHP.
// Pure CPU: no request is made. BENCH_PRESIGN_N (default 20,000).
require __DIR__ . '/common.php';

$n = bench_int('BENCH_PRESIGN_N', 20000);
$prefix = bench_prefix();
$b = bench_backend();
$opts = ['ttl' => 3600, 'disposition' => 'attachment', 'filename' => FILENAME];
$hwm0 = vm_hwm();

// Warm-up: builds the client and caches the credentials and signing key,
// which every later call in a php-fpm worker reuses.
for ($i = 0; $i < 200; $i++) {
    $url = $b->presignGet("{$prefix}attachments/" . sprintf('%06d', $i) . '/report.pdf', $opts);
}
if (!str_contains($url, 'X-Amz-Signature=') || !str_contains($url, 'response-content-disposition=')) {
    fwrite(STDERR, "s1: unexpected URL $url\n");
    exit(1);
}
$keys = [];
for ($i = 0; $i < $n; $i++) {
    $keys[] = "{$prefix}attachments/" . sprintf('%06d', $i) . '/report.pdf';
}
$samples = time_each($keys, fn ($k) => $b->presignGet($k, $opts), $cpu);

// The same loop timed as a whole, without a clock read per call.
$t = hrtime(true);
foreach ($keys as $k) {
    $b->presignGet($k, $opts);
}
$wall = (hrtime(true) - $t) / 1e9;

emit(['scenario' => 'presign'] + summarize($samples, 0, $cpu) + [
    'loop_ops_per_s' => round($n / $wall, 1),
    'loop_seconds' => $wall,
    'url_bytes' => strlen($url),
    'rss_growth_bytes' => vm_hwm() - $hwm0,
]);
