<?php
/**
 * "Move attachments from the database to S3 during cron": on osTicket's
 * `cron` signal, one time-boxed migration batch from D to 3, through the
 * same engine as `s3-attachments migrate` (journal, verification, lock).
 *
 * Budget: a few seconds when the staff panel's auto-cron triggered it (a
 * web request an agent's page started), up to 45 s from api/cron.php or a
 * remote cron call, never more than a third of PHP's max_execution_time.
 * Files above 16 MiB are left to the command from the auto-cron, above
 * 256 MiB always. Memory stays small (8 MiB read groups, 16 MiB queue).
 *
 * Only while S3 is the default store (osTicket's silent fallback is what it
 * is for), and never while another migration holds the lock. A file that
 * fails is logged once, with its reason, and skipped by the next batches
 * for a day (FAILED_NAMESPACE), so a damaged file does not fill the log.
 */

namespace S3Native\Migration;

use S3Native\Cli\CannotStart;
use S3Native\Cli\PluginStore;
use S3Native\Cli\StoreLock;
use S3Native\ObjectKeyResolver;
use S3Native\SystemLog;

final class CronBatch
{
    const AUTOCRON_SECONDS = 5.0;
    const CRON_SECONDS = 45.0;
    const AUTOCRON_MAX_FILE = 16 << 20;
    const CRON_MAX_FILE = 256 << 20;
    const RETRY_FAILED_AFTER = 86400;
    const FAILED_NAMESPACE = 's3-native.cron';
    /** Failed ids remembered at most (the oldest are forgotten first). */
    const FAILED_KEEP = 500;

    /** osTicket's Signal::connect('cron', …) callback. */
    public static function onCron($object, $data): void
    {
        try {
            self::run(is_array($data) && !empty($data['autocron']));
        } catch (CannotStart $e) {
            // The plugin is not usable here: its bootstrap logs why, once an hour.
        } catch (\Throwable $e) {
            SystemLog::failureRateLimited('cron-batch', SystemLog::TITLE, 'Moving attachments from the database to '
                . 'S3 during cron stopped: ' . $e->getMessage());
        }
    }

    /** @return Report|null null when there was nothing to do or no right to run now */
    public static function run(bool $autocron): ?Report
    {
        global $cfg;
        if (!$cfg || $cfg->getDefaultStorageBackendChar() !== ObjectKeyResolver::BACKEND_CHAR) {
            return null;
        }
        $store = PluginStore::fromPlugin();
        if (StoreLock::heldElsewhere()) {
            return null; // a migration is running: it does this job better
        }
        $budget = $autocron ? self::AUTOCRON_SECONDS : self::CRON_SECONDS;
        $limit = (int) ini_get('max_execution_time');
        if ($limit > 0) {
            $budget = min($budget, max(1.0, $limit / 3));
        }
        $selection = new Selection(ObjectKeyResolver::BACKEND_CHAR, 'D');
        $selection->maxSize = $autocron ? self::AUTOCRON_MAX_FILE : self::CRON_MAX_FILE;
        $failed = self::recentFailures();
        $selection->excludeIds = array_keys($failed);
        $control = new RunControl();
        $control->jobs = 8;
        $control->deadline = microtime(true) + $budget;
        $control->groupBytes = 8 << 20;
        $control->queueBytes = 16 << 20;
        try {
            $report = Migrator::run($store, $selection, $control, false, 'the cron batch');
        } catch (CannotStart $lockTaken) {
            return null;
        }
        if ($report->moved > 0 || $report->failed > 0 || $report->recovered > 0) {
            SystemLog::notice(self::summary($report, $autocron));
        }
        if ($report->failed > 0) {
            foreach ($report->failures as $f) {
                $failed[$f['id']] = time();
            }
            self::rememberFailures($failed);
            SystemLog::warning('Could not move these attachments from the database to S3 during cron (they stay '
                . 'where they are; cron tries each again after a day): '
                . implode('; ', array_map(function ($f) {
                    return sprintf('file %d "%s": %s', $f['id'], $f['name'], $f['reason']);
                }, array_slice($report->failures, 0, 10)))
                . (count($report->failures) > 10 ? sprintf(' (and %d more)', count($report->failures) - 10) : ''));
        }
        return $report;
    }

    public static function summary(Report $r, bool $autocron): string
    {
        $left = max(0, $r->selected - $r->moved - $r->failed);
        return sprintf('Cron batch (%s): moved %d files (%.1f MiB) from the database to S3 in %.1f s, %d failed, '
            . '%d left for later runs%s.', $autocron ? 'auto-cron' : 'cron', $r->moved, $r->bytesMoved / 1048576,
            $r->seconds(), $r->failed, $left,
            $r->recovered > 0 ? sprintf('; completed %d moves an interrupted run had left', $r->recovered) : '');
    }

    /** @return array<int, int> file id => when it failed, within RETRY_FAILED_AFTER */
    private static function recentFailures(): array
    {
        $row = Db::row('SELECT `value` FROM ' . CONFIG_TABLE . ' WHERE `namespace` = ' . Db::quote(self::FAILED_NAMESPACE)
            . " AND `key` = 'failed'");
        $all = $row ? json_decode((string) $row['value'], true) : [];
        $recent = [];
        foreach (is_array($all) ? $all : [] as $id => $when) {
            if ((int) $when > time() - self::RETRY_FAILED_AFTER) {
                $recent[(int) $id] = (int) $when;
            }
        }
        return $recent;
    }

    /** @param array<int, int> $failed */
    private static function rememberFailures(array $failed): void
    {
        asort($failed);
        $failed = array_slice($failed, -self::FAILED_KEEP, null, true);
        Db::exec('INSERT INTO ' . CONFIG_TABLE . ' (`namespace`, `key`, `value`) VALUES ('
            . Db::quote(self::FAILED_NAMESPACE) . ", 'failed', " . Db::quote(json_encode($failed, JSON_FORCE_OBJECT))
            . ') ON DUPLICATE KEY UPDATE `value` = VALUES(`value`), `updated` = NOW()');
    }
}
