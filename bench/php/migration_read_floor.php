<?php
/*
 * bench/migration's database floor: every chunk of every file still in the
 * database backend, read from MariaDB alone, as a migration must read them
 * (per file, SELECT ... ORDER BY chunk_id, unbuffered: one chunk in memory
 * at a time), nothing else done with the bytes. Plain mysqli on the
 * helpdesk's database, no osTicket: what the rows cost to fetch.
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
$ids = array_map('intval', array_column($db->query("SELECT id FROM ost_file WHERE bk='D' ORDER BY id")
    ->fetch_all(MYSQLI_ASSOC), 'id'));

$hwm0 = vm_hwm();
$cpu0 = cpu_seconds();
$t0 = hrtime(true);
$bytes = 0;
foreach ($ids as $id) {
    $result = $db->query("SELECT filedata FROM ost_file_chunk WHERE file_id=$id ORDER BY chunk_id", MYSQLI_USE_RESULT);
    while ($row = $result->fetch_row()) {
        $bytes += strlen($row[0]);
    }
    $result->free();
}
$seconds = (hrtime(true) - $t0) / 1e9;
echo json_encode(['files' => count($ids), 'bytes' => $bytes, 'seconds' => round($seconds, 3),
    'cpu_s' => round(cpu_seconds() - $cpu0, 3), 'rss_growth_bytes' => vm_hwm() - $hwm0]) . "\n";
