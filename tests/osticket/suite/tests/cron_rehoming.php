<?php
/*
 * "Move attachments from the database to S3 during cron": off by default;
 * when on, osTicket's own cron (api/cron.php, and the auto-cron's signal)
 * moves files that are in the database while S3 is the default store, in
 * a time-boxed batch, with a one-line summary in the system log.
 */

require_once dirname(__DIR__) . '/s3a_command.php';

/** Sets the plugin instance's "cron-migrate" setting as its form saves it. */
function set_cron_migrate(bool $on): void
{
    db_query('INSERT INTO ' . CONFIG_TABLE . ' (namespace, `key`, value) VALUES (' . db_input(plugin_config_namespace())
        . ", 'cron-migrate', " . db_input($on ? '1' : '0') . ') ON DUPLICATE KEY UPDATE value=VALUES(value)');
}

/** Runs osTicket's cron in a new process: api/cron.php (the CLI cron), or the auto-cron's signal. */
function run_cron(bool $autocron): array
{
    $script = $autocron ? [__DIR__ . '/../send_cron.php'] : ['api/cron.php'];
    $proc = proc_open(array_merge([env('OST_PHP')], $script), [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes,
        env('OST_ROOT'));
    $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    return ['exit' => proc_close($proc), 'out' => $out];
}

function cron_log_entries(): array
{
    return rows('SELECT log_type, log FROM ' . SYSLOG_TABLE . " WHERE title = 'Attachments in S3 (native extension)'"
        . " AND (log LIKE 'Cron batch%' OR log LIKE 'Could not move these attachments%') ORDER BY log_id");
}

test('cron re-homing: off by default; on, api/cron.php and the auto-cron move database files to S3', function () {
    $namespace = plugin_config_namespace();
    Suite::same([], rows('SELECT value FROM ' . CONFIG_TABLE . ' WHERE namespace=' . db_input($namespace)
        . " AND `key`='cron-migrate' AND value NOT IN ('', '0')"), 'the setting is off in a new instance');
    Suite::check(array_key_exists('cron-migrate', (new S3NativeStorageConfig($namespace))->getOptions()),
        'the settings form offers it');
    // Files of earlier tests in the database: the batch may move them too; they go back at the end.
    $before = array_map('intval', array_column(rows('SELECT id FROM ' . FILE_TABLE . " WHERE bk='D'"), 'id'));

    $small = [];
    for ($i = 0; $i < 3; $i++) {
        $bytes = unique_bytes(30000, 'cron');
        $small[db_file("cron-$i.txt", $bytes, 'text/plain')] = $bytes;
    }
    $big = unique_bytes((16 << 20) + 1000, 'cron-big');
    $bigId = db_file('cron-big.bin', $big);
    $damaged = unique_bytes(600000, 'cron-damaged');
    $damagedId = db_file('cron-damaged.bin', $damaged);
    db_query('DELETE FROM ' . FILE_CHUNK_TABLE . " WHERE file_id=$damagedId AND chunk_id=1");
    use_storage('3'); // S3 is the default store: these are what osTicket's silent fallback leaves

    try {
        $off = run_cron(false);
        Suite::same(0, $off['exit'], 'api/cron.php runs', $off['out']);
        foreach ($small as $id => $bytes) {
            Suite::same('D', file_row($id)['bk'], "setting off: file $id stays in the database");
        }

        set_cron_migrate(true);
        $auto = run_cron(true);
        Suite::same(0, $auto['exit'], 'the auto-cron signal runs', $auto['out']);
        foreach ($small as $id => $bytes) {
            moved_to_s3($id, $bytes, "auto-cron: file $id");
        }
        Suite::same('D', file_row($bigId)['bk'], 'auto-cron: a file above 16 MiB is left for api/cron.php');
        kept_in_db($damagedId, file_db_bytes($damagedId), 'auto-cron: the damaged file stays');
        $log = cron_log_entries();
        Suite::contains('Cron batch (auto-cron): moved', (string) ($log[0]['log'] ?? ''), 'a one-line summary in the system log');
        Suite::contains('1 failed', (string) ($log[0]['log'] ?? ''), 'counting the damaged file');
        Suite::contains("file $damagedId \"cron-damaged.bin\": backend D holds 512000 bytes of this file but ost_file.size is 600000", (string) ($log[1]['log'] ?? ''),
            'the failure named with its reason, as a warning');
        Suite::same('Warning', $log[1]['log_type'] ?? null, 'logged as a warning');

        $cron = run_cron(false);
        Suite::same(0, $cron['exit'], 'api/cron.php runs', $cron['out']);
        moved_to_s3($bigId, $big, 'api/cron.php: the 16 MiB + 1000 bytes file');
        $log = cron_log_entries();
        Suite::contains('Cron batch (cron): moved', (string) ($log[2]['log'] ?? ''), 'its summary');
        Suite::same(3, count($log), 'the damaged file is not retried (nor logged again) within a day');
        kept_in_db($damagedId, file_db_bytes($damagedId), 'the damaged file is still whole as it was');
        Suite::same([], journal_ids(), 'nothing is left half-done');
    } finally {
        set_cron_migrate(false);
        db_query('DELETE FROM ' . CONFIG_TABLE . " WHERE namespace='s3-native.cron'");
        // The entries were provoked on purpose (logs.php checks that no other S3 entry exists).
        db_query('DELETE FROM ' . SYSLOG_TABLE . " WHERE title = 'Attachments in S3 (native extension)'"
            . " AND (log LIKE 'Cron batch%' OR log LIKE 'Could not move these attachments%')");
        use_storage('D');
        $moved = array_map('intval', array_column(rows('SELECT id FROM ' . FILE_TABLE . " WHERE bk='3' AND id IN ("
            . implode(',', array_merge([0], $before)) . ')'), 'id'));
        if ($moved) {
            $back = s3a(['migrate', '--to', 'D', '--file-id', implode(',', $moved)]);
            Suite::same(0, $back['exit'], 'the earlier tests\' files the batch moved go back to the database', $back['err']);
        }
        foreach (array_merge(array_keys($small), [$bigId, $damagedId]) as $id) {
            if (file_row($id)) {
                fresh_file($id)->delete();
            }
        }
    }
});
