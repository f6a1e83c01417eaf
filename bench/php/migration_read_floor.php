<?php
/*
 * bench/migration's database floor: every chunk of every file still in the
 * database backend, read from MariaDB alone in the cheapest way: one
 * unbuffered query in primary-key order (file_id, chunk_id: no sort, one
 * chunk in memory at a time), nothing else done with the bytes. Plain
 * mysqli on the helpdesk's database, no osTicket: what the rows cost to
 * fetch. (A migration needs more queries: per file or per group of files.)
 * Prints one JSON line: files, bytes, seconds (the reading only), CPU,
 * peak RSS growth.
 *
 *   php migration_read_floor.php   (environment: BENCH_DB_HOST, BENCH_DB_PORT,
 *                                   BENCH_DB_USER, BENCH_DB_PASS, BENCH_DB_NAME)
 */

require __DIR__ . '/migration_common.php';

mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
$db = new mysqli(bench_env('BENCH_DB_HOST'), bench_env('BENCH_DB_USER'), bench_env('BENCH_DB_PASS'),
    bench_env('BENCH_DB_NAME'), (int) bench_env('BENCH_DB_PORT'));

$hwm0 = vm_hwm();
$cpu0 = cpu_seconds();
$t0 = hrtime(true);
$bytes = 0;
$files = [];
// The whole table in primary-key order: a plain index scan, never a
// filesort (a join or IN (subquery) may make MariaDB sort the blobs). Here
// it holds only the chunks of the files to migrate; the report checks the
// byte count against the files in D.
$result = $db->query('SELECT file_id, filedata FROM ost_file_chunk ORDER BY file_id, chunk_id', MYSQLI_USE_RESULT);
while ($row = $result->fetch_row()) {
    $files[$row[0]] = true;
    $bytes += strlen($row[1]);
}
$result->free();
$seconds = (hrtime(true) - $t0) / 1e9;
echo json_encode(['files' => count($files), 'bytes' => $bytes, 'seconds' => round($seconds, 3),
    'cpu_s' => round(cpu_seconds() - $cpu0, 3), 'rss_growth_bytes' => vm_hwm() - $hwm0]) . "\n";
