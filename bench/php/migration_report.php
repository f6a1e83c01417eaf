<?php
// bench/migration's figures as a table and a JSON report, judged against
// issue 9's targets:
//   - locally, s3-attachments at >= 80 % of the slower floor (time ratio);
//   - with the added latency, >= 10x the files per second of manage.php;
//   - its peak RSS growth <= 128 MiB (VmHWM minus that of the same command
//     booted without migrating).
// A migration counts only when the result is complete: every selected file
// on backend 3, none left in D, no chunk row, one object per file.
//
//   php migration_report.php FIGURES.jsonl FILL.json FILLED_STATE.json OUT.json full|quick JOBS DELAY_MS
declare(strict_types=1);
require __DIR__ . '/table.php';

[$self, $figuresFile, $fillFile, $filledFile, $outFile, $mode, $jobs, $delayMs] = $argv + array_fill(0, 8, null);
if ($delayMs === null) {
    fwrite(STDERR, "usage: migration_report.php FIGURES.jsonl FILL.json FILLED_STATE.json OUT.json full|quick JOBS DELAY_MS\n");
    exit(2);
}
const MIB = 1048576;
const RSS_LIMIT = 128 * MIB;
$judge = $mode === 'full';

$fill = json_decode((string) file_get_contents($fillFile), true, 512, JSON_THROW_ON_ERROR);
$filled = json_decode((string) file_get_contents($filledFile), true, 512, JSON_THROW_ON_ERROR);
$selected = $filled['by_backend']['D'] ?? ['files' => 0, 'bytes' => 0];
$runs = [];
foreach (file($figuresFile, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
    $o = json_decode($line, true, 512, JSON_THROW_ON_ERROR);
    $runs[$o['mode']][$o['contender']] = $o;
}

/** Whether a migration left the complete result, and what is wrong otherwise. */
function completeness(array $run, array $selected): array
{
    $s = $run['state'];
    $in3 = $s['by_backend']['3']['files'] ?? 0;
    $inD = $s['by_backend']['D']['files'] ?? 0;
    $wrong = [];
    if ($in3 !== $selected['files']) {
        $wrong[] = "$in3 of {$selected['files']} files on backend 3";
    }
    if ($inD !== 0) {
        $wrong[] = "$inD left in D";
    }
    if ($s['chunk_rows'] !== 0) {
        $wrong[] = "{$s['chunk_rows']} chunk rows left";
    }
    if ($s['objects'] !== $selected['files']) {
        $wrong[] = "{$s['objects']} objects for {$selected['files']} files";
    }
    if ($run['exit'] !== 0) {
        $wrong[] = "exit {$run['exit']}";
    }
    return $wrong;
}

$fmtTime = fn (float $s): string => $s >= 100 ? sprintf('%.0f s', $s) : sprintf('%.2f s', $s);
$rows = [];
foreach ($runs as $runMode => $byWho) {
    $floorSeconds = [];
    foreach (['floor_database', 'floor_store'] as $f) {
        if (isset($byWho[$f])) {
            $floorSeconds[$f] = $byWho[$f]['seconds'];
        }
    }
    $slowerFloor = $floorSeconds ? array_search(max($floorSeconds), $floorSeconds, true) : null;
    $manage = $byWho['manage_php'] ?? null;
    foreach (['floor_database' => 'floor: chunks read from MariaDB alone (PHP, one unbuffered query in key order)',
              'floor_store' => "floor: same bytes uploaded alone, $jobs at once (upload queue; > 16 MiB: createUpload)",
              'manage_php' => 'php manage.php file migrate --backend D --to 3',
              's3_attachments' => "s3-attachments migrate --to 3 --jobs $jobs"] as $who => $label) {
        if (!isset($byWho[$who])) {
            continue;
        }
        $r = $byWho[$who];
        $isCommand = isset($r['state']);
        $files = $isCommand ? $selected['files'] : $r['files'];
        $bytes = $isCommand ? $selected['bytes'] : $r['bytes'];
        $row = ['mode' => $runMode, 'contender' => $who, 'what' => $label, 'files' => $files, 'bytes' => $bytes,
            'seconds' => $r['seconds'], 'files_per_s' => round($files / $r['seconds'], 1),
            'mib_per_s' => round($bytes / MIB / $r['seconds'], 1), 'cpu_s' => $r['cpu_s'],
            'store_cpu_s' => $r['store_cpu_s'] ?? null, 'db_cpu_s' => $r['db_cpu_s'] ?? null,
            'proxy_cpu_s' => $r['proxy_cpu_s'] ?? null,
            'rss_growth_bytes' => $isCommand ? ($r['max_rss_kib'] - $r['baseline_max_rss_kib']) * 1024 : $r['rss_growth_bytes'],
            'complete' => null, 'target' => '', 'ratio' => null, 'pass' => null];
        if ($who === 'floor_database') { // it reads the whole chunk table: only the files to migrate must be there
            $row['complete'] = $r['bytes'] === $selected['bytes'] && $r['files'] === $selected['files'] ? true
                : "read {$r['files']} files, {$r['bytes']} bytes; D holds {$selected['files']}, {$selected['bytes']}";
        }
        if ($isCommand) {
            $wrong = completeness($r, $selected);
            $row['complete'] = $wrong ? implode('; ', $wrong) : true;
            $row['max_rss_kib'] = $r['max_rss_kib'];
            $row['baseline_max_rss_kib'] = $r['baseline_max_rss_kib'];
        }
        // For reference, not judged: where osTicket's own command stands
        // against the floors, and the most any client could reach over
        // manage.php here (the store floor's ratio).
        if ($who === 'manage_php' && $runMode === 'local' && $slowerFloor !== null) {
            $row['ratio'] = round($floorSeconds[$slowerFloor] / $r['seconds'], 2);
            $row['ratio_of'] = ($slowerFloor === 'floor_database' ? 'database floor' : 'store floor') . ', for reference';
        }
        if ($who === 'floor_store' && $runMode === 'latency' && $manage) {
            $row['ratio'] = round($manage['seconds'] / $r['seconds'], 2);
            $row['ratio_of'] = 'manage.php: the ceiling here';
        }
        if ($who === 's3_attachments') {
            if ($runMode === 'local' && $slowerFloor !== null) {
                $row['target'] = '≥ 0.80× slower floor, RSS ≤ 128 MiB';
                $row['ratio'] = round($floorSeconds[$slowerFloor] / $r['seconds'], 2);
                $row['ratio_of'] = $slowerFloor === 'floor_database' ? 'database floor' : 'store floor';
                $met = $row['ratio'] >= 0.80;
            } elseif ($runMode === 'latency' && $manage) {
                $row['target'] = '≥ 10× manage.php files/s, RSS ≤ 128 MiB';
                $row['ratio'] = round($manage['seconds'] / $r['seconds'], 2);
                $row['ratio_of'] = 'manage.php';
                $met = $row['ratio'] >= 10;
            } else {
                $met = null; // its reference was not measured in this run (--only)
            }
            $met = $met === null ? null : $met && $row['rss_growth_bytes'] <= RSS_LIMIT && $row['complete'] === true;
            $row['pass'] = $judge && $met !== null ? $met : 'n/a';
        }
        $rows[] = $row;
    }
}

$head = ['mode', 'run', 'files', 'MiB', 'wall', 'files/s', 'MiB/s', 'CPU', 'store CPU', 'DB CPU', 'peak RSS growth', 'complete', 'target', 'ratio', 'result'];
$lines = [];
foreach ($rows as $r) {
    $lines[] = [$r['mode'], $r['what'], (string) $r['files'], sprintf('%.1f', $r['bytes'] / MIB), $fmtTime($r['seconds']),
        sprintf('%.1f', $r['files_per_s']), sprintf('%.1f', $r['mib_per_s']), sprintf('%.1f s', $r['cpu_s']),
        $r['store_cpu_s'] === null ? '' : sprintf('%.1f s', $r['store_cpu_s']),
        $r['db_cpu_s'] === null ? '' : sprintf('%.1f s', $r['db_cpu_s']),
        sprintf('%.1f MiB', $r['rss_growth_bytes'] / MIB),
        $r['complete'] === null ? '' : ($r['complete'] === true ? 'yes' : 'NO: ' . $r['complete']),
        $r['target'], $r['ratio'] === null ? '' : sprintf('%.2f× (%s)', $r['ratio'], $r['ratio_of']),
        $r['pass'] === null ? '' : ($r['pass'] === 'n/a' ? 'n/a' : ($r['pass'] ? 'PASS' : 'FAIL'))];
}
print_table($head, $lines);
$load = implode(' ', array_slice(explode(' ', (string) @file_get_contents('/proc/loadavg')), 0, 3));
echo "\nwall: the command's, spawn to exit (osTicket's boot included); a floor's: its work alone. CPU: the process's (user + system, all threads). store CPU, DB CPU: SeaweedFS's (a shared server: others' requests count too) and MariaDB's meanwhile.\n";
printf("%d files, %.1f MiB in the database (filled by AttachmentFile::create() in %.0f s). latency mode: +%s ms each way per burst (bench/latency_proxy.py).\n",
    $selected['files'], $selected['bytes'] / MIB, $fill['seconds'], $delayMs);
printf("Extension: %s. Plugin: %s.\nLoad average before: %s, after: %s (2 cores; above ~0.5 others were busy too).\n",
    getenv('BENCH_BUILD') ?: '?', getenv('BENCH_PLUGIN') ?: '?', getenv('BENCH_LOAD_BEFORE') ?: '?', $load);
$judged = array_filter($rows, fn ($r) => is_bool($r['pass']));
if (!array_filter($rows, fn ($r) => $r['contender'] === 's3_attachments')) {
    echo "The plugin has no bin/s3-attachments: nothing to judge (manage.php and the floors only).\n";
} elseif ($judge) {
    printf("%d of %d judged runs met every target.\n", count(array_filter($judged, fn ($r) => $r['pass'])), count($judged));
} else {
    echo "Quick run: too few files to judge targets; it proves the scenario runs.\n";
}

$cpu = preg_match('/^model name\s*:\s*(.+)$/m', (string) @file_get_contents('/proc/cpuinfo'), $m) ? $m[1] : 'unknown';
$report = [
    'mode' => $mode,
    'date' => gmdate('Y-m-d\TH:i:s\Z'),
    'machine' => ['cpu' => $cpu, 'cores' => (int) trim((string) shell_exec('nproc')), 'kernel' => php_uname('r'),
        'loadavg_before' => getenv('BENCH_LOAD_BEFORE') ?: null, 'loadavg_after' => $load],
    'php' => PHP_VERSION,
    'extension' => getenv('BENCH_BUILD') ?: null,
    'plugin' => getenv('BENCH_PLUGIN') ?: null,
    'server' => getenv('BENCH_SERVER') ?: null,
    'config' => ['jobs' => (int) $jobs, 'latency_ms_each_way' => (float) $delayMs, 'files' => $selected['files'],
        'bytes' => $selected['bytes'], 'fill_seconds' => $fill['seconds']],
    'rows' => $rows,
    'raw' => $runs,
];
file_put_contents($outFile, json_encode($report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR) . "\n");
echo "Written: $outFile\n";
