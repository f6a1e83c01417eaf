<?php
/*
 * bench/migration's view of a run's result, from the database and the
 * bucket directly (never through osTicket or the plugin): ost_file rows per
 * backend with their bytes, chunk rows left, objects under the run's
 * folder. With --delete-objects, deletes those objects afterwards (the
 * reset between two measured runs, and the clean-up at the end).
 * Prints one JSON line.
 *
 *   php migration_state.php [--delete-objects] PREFIX
 *   (environment: BENCH_DB_*, S3_TEST_*; objects are deleted straight on the store)
 */

require __DIR__ . '/migration_common.php';

$delete = ($argv[1] ?? '') === '--delete-objects';
$prefix = (string) ($argv[$delete ? 2 : 1] ?? '');
if ($prefix === '' || substr($prefix, -1) !== '/') {
    fwrite(STDERR, "usage: migration_state.php [--delete-objects] PREFIX/\n");
    exit(1);
}
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
$db = new mysqli(bench_env('BENCH_DB_HOST'), bench_env('BENCH_DB_USER'), bench_env('BENCH_DB_PASS'),
    bench_env('BENCH_DB_NAME'), (int) bench_env('BENCH_DB_PORT'));
$byBackend = [];
foreach ($db->query('SELECT bk, COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM ost_file GROUP BY bk')
             ->fetch_all(MYSQLI_ASSOC) as $row) {
    $byBackend[$row['bk']] = ['files' => (int) $row['files'], 'bytes' => (int) $row['bytes']];
}
$chunks = (int) $db->query('SELECT COUNT(*) FROM ost_file_chunk')->fetch_row()[0];
$keys = store_keys($prefix);
if ($delete && $keys) {
    $s3 = bench_backend(bench_env('S3_TEST_ENDPOINT'));
    foreach ($keys as $key) {
        $s3->delete($key);
    }
    $left = count(store_keys($prefix));
    if ($left !== 0) {
        fwrite(STDERR, "migration_state.php: $left objects are still under $prefix after deleting them\n");
        exit(1);
    }
}
echo json_encode(['by_backend' => $byBackend, 'chunk_rows' => $chunks, 'objects' => count($keys)]) . "\n";
