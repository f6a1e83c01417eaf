<?php
/*
 * bench/migration's store floor: the bytes of the migration's files
 * (MigrationContent, the same seed as the fill: the same bytes, sizes and
 * order), uploaded with the same concurrency as the migration, nothing else
 * done: no database, no osTicket. Files up to the multipart threshold go
 * through the extension's upload queue (createUploadQueue: JOBS in flight,
 * 64 MiB buffered); larger ones stream with createUpload() on the PHP thread
 * while the queue keeps going, as the migration must do.
 *
 * The bytes come from memory: their making (two copies of a slice of a
 * keystream) is inside "seconds" as a migration's reading is inside its
 * time, and shown apart ("making_bytes_s": the calls' wall time, which
 * includes waits for the CPU while the uploads go on in the background).
 *
 * Prints one JSON line: method, files, bytes, seconds, CPU,
 * peak RSS growth.
 *
 *   php migration_upload_floor.php COUNT SEED JOBS PREFIX
 *   (environment: S3_TEST_*, BENCH_S3_ENDPOINT: the store, straight or through the proxy)
 */

require __DIR__ . '/migration_common.php';
require __DIR__ . '/migration_content.php';

const MULTIPART_THRESHOLD = 16 << 20; // the extension's default, which the plugin keeps

[$count, $seed, $jobs, $prefix] = [(int) ($argv[1] ?? 0), (int) ($argv[2] ?? 0), (int) ($argv[3] ?? 0), (string) ($argv[4] ?? '')];
if ($count < 1 || $jobs < 1 || $prefix === '') {
    fwrite(STDERR, "usage: migration_upload_floor.php COUNT SEED JOBS PREFIX\n");
    exit(1);
}
$content = new MigrationContent($count, $seed);
$opts = ['content_type' => 'application/octet-stream'];
$key = function (int $i) use ($prefix): string {
    return sprintf('%s%05d', $prefix, $i);
};

/** A file above the threshold, streamed in parts as the plugin's write()s do (8 MiB blocks). */
function stream_upload(S3AttachmentBackend $s3, string $key, string $data, array $opts): array
{
    $upload = $s3->createUpload($key, $opts);
    for ($o = 0; $o < strlen($data); $o += 8 << 20) {
        $upload->write(substr($data, $o, 8 << 20));
    }
    return $upload->finish();
}

if (!method_exists('S3AttachmentBackend', 'createUploadQueue')) {
    fwrite(STDERR, "migration_upload_floor.php: this extension has no createUploadQueue() (issue 9's API): use a newer build\n");
    exit(1);
}
$s3 = bench_backend();
$s3->head($prefix . 'warm-up'); // the client built and a connection open, as in a running migration
$failures = [];
$check = function (array $done) use (&$failures, $content) {
    foreach ($done as $c) {
        $i = (int) $c['tag'];
        if (!$c['ok'] || $c['size'] !== $content->sizes[$i]) {
            $failures[] = "file $i: " . ($c['error'] ? $c['error']->getMessage() : "size {$c['size']}");
        }
    }
};
$making = 0.0;
$hwm0 = vm_hwm();
$cpu0 = cpu_seconds();
$t0 = hrtime(true);
$queue = $s3->createUploadQueue(['jobs' => $jobs, 'max_buffered_bytes' => 64 << 20]);
for ($i = 0; $i < $count; $i++) {
    $m = hrtime(true);
    $data = $content->bytes($i);
    $making += (hrtime(true) - $m) / 1e9;
    if (strlen($data) > MULTIPART_THRESHOLD) {
        $stored = stream_upload($s3, $key($i), $data, $opts);
        if ($stored['size'] !== strlen($data)) {
            $failures[] = "file $i: size {$stored['size']}";
        }
    } elseif ($queue->add((string) $i, $key($i), $data, $opts) > 0) {
        $check($queue->collect());
    }
}
$check($queue->drain());
$rssGrowth = vm_hwm() - $hwm0;
$seconds = (hrtime(true) - $t0) / 1e9;
$cpu = cpu_seconds() - $cpu0;
if ($failures) {
    fwrite(STDERR, "migration_upload_floor.php: " . count($failures) . " uploads failed:\n  "
        . implode("\n  ", array_slice($failures, 0, 10)) . "\n");
    exit(1);
}
echo json_encode(['method' => "createUploadQueue(jobs $jobs, 64 MiB buffered) + createUpload() above 16 MiB", 'files' => $count, 'bytes' => $content->totalBytes(),
    'seconds' => round($seconds, 3), 'making_bytes_s' => round($making, 3), 'cpu_s' => round($cpu, 3),
    'rss_growth_bytes' => $rssGrowth], JSON_UNESCAPED_SLASHES) . "\n";
