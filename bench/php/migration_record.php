<?php
/*
 * One line of bench/migration's figures (JSON), from what measure() left in
 * RUN_DIR for NAME: NAME.time (GNU time: wall, user, sys, max RSS in KiB),
 * NAME.out (a floor's JSON figures, or a command's stdout), NAME.err, and
 * NAME.around (exit status, then the store's, the proxy's and MariaDB's CPU
 * ticks during the run).
 *
 * A floor (no BASELINE): its own figures (timed inside: the work alone).
 * A command: wall time from spawn to exit, CPU, max RSS, the max RSS of
 * BASELINE (the same program booted without migrating), STATE (the
 * database and the bucket afterwards, migration_state.php's JSON) and its
 * --json output when it printed one.
 *
 *   php migration_record.php MODE CONTENDER RUN_DIR NAME [BASELINE STATE_JSON]
 */

[$self, $mode, $who, $dir, $name, $baseline, $state] = $argv + array_fill(0, 7, null);
if ($name === null) {
    fwrite(STDERR, "usage: migration_record.php MODE CONTENDER RUN_DIR NAME [BASELINE STATE_JSON]\n");
    exit(2);
}
$hz = (int) trim((string) shell_exec('getconf CLK_TCK')) ?: 100;
$lastLine = function (string $file): string {
    $lines = file($file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [''];
    return (string) end($lines);
};
[$wall, $user, $sys, $rssKib] = array_map('floatval', explode(' ', $lastLine("$dir/$name.time")) + [0, 0, 0, 0]);
[$exit, $storeTicks, $proxyTicks, $dbTicks] = array_map('intval', explode(' ', $lastLine("$dir/$name.around")) + [0, 0, 0, 0]);
$out = trim((string) file_get_contents("$dir/$name.out"));
$errTail = implode("\n", array_slice(array_values(array_filter(
    file("$dir/$name.err", FILE_IGNORE_NEW_LINES) ?: [], fn ($l) => strpos($l, 'PHP Deprecated') === false)), -5));

$line = ['mode' => $mode, 'contender' => $who, 'exit' => $exit];
if ($baseline === null) {
    $figures = json_decode($out, true);
    if (!is_array($figures) || $exit !== 0) {
        fwrite(STDERR, "migration_record.php: $name failed (exit $exit): $errTail\n");
        exit(1);
    }
    $line += $figures + ['process_seconds' => $wall];
} else {
    $baseRss = (int) explode(' ', $lastLine("$dir/$baseline.time"))[3];
    $line += ['seconds' => $wall, 'cpu_s' => round($user + $sys, 2), 'max_rss_kib' => (int) $rssKib,
        'baseline_max_rss_kib' => $baseRss, 'state' => json_decode((string) $state, true),
        'json' => json_decode($out, true), 'stderr_tail' => $errTail];
}
$line['store_cpu_s'] = round($storeTicks / $hz, 2);
$line['db_cpu_s'] = round($dbTicks / $hz, 2);
if ($mode === 'latency') {
    $line['proxy_cpu_s'] = round($proxyTicks / $hz, 2);
}
echo json_encode($line, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n";
