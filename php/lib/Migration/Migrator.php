<?php
/**
 * One migration run, as the command and the cron batch start it: takes the
 * store lock (a second run refuses to start), finishes what interrupted
 * runs left (Recovery), counts the selection, moves it with ToS3 or
 * ToDatabase. A dry run only counts: no lock, no recovery, no change.
 */

namespace S3Native\Migration;

use S3Native\Cli\PluginStore;
use S3Native\Cli\StoreLock;
use S3Native\ObjectKeyResolver;

final class Migrator
{
    /** Backends a migration can move files into. */
    const TARGETS = [ObjectKeyResolver::BACKEND_CHAR, 'D'];

    /**
     * @param string $who for the lock's message ("migrate", "the cron batch")
     * @throws \S3Native\Cli\CannotStart when another run holds the lock
     */
    public static function run(PluginStore $store, Selection $selection, RunControl $control, bool $dryRun,
            string $who = 'migrate'): Report
    {
        if (!in_array($selection->to, self::TARGETS, true)) {
            throw new \InvalidArgumentException('files can be moved to backend 3 (S3) or D (the database), not '
                . $selection->to);
        }
        $report = new Report($selection->to);
        $report->dryRun = $dryRun;
        $lock = null;
        if (!$dryRun) {
            $lock = StoreLock::acquire($who, $control->lockWaitSeconds);
            $recovered = (new Recovery($store))->run();
            $report->recovered = $recovered['done'];
            array_push($report->notes, ...$recovered['problems']);
        }
        try {
            $report->bySource = $selection->totals();
            foreach ($report->bySource as $t) {
                $report->selected += $t['files'];
                $report->bytesSelected += $t['bytes'];
            }
            $control->progress($report);
            if (!$dryRun && $report->selected > 0) {
                $engine = $selection->to === 'D'
                    ? new ToDatabase($store, $report, $control)
                    : new ToS3($store, $report, $control);
                $engine->run($selection);
            }
        } finally {
            if ($lock) {
                $lock->release();
            }
        }
        return $report;
    }
}
