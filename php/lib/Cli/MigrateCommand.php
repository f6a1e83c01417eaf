<?php
/**
 * `s3-attachments migrate`: moves attachments between the database and S3,
 * in parallel, every file verified twice, resumable (see lib/Migration/).
 */

namespace S3Native\Cli;

use S3Native\Migration\Db;
use S3Native\Migration\Journal;
use S3Native\Migration\Migrator;
use S3Native\Migration\Report;
use S3Native\Migration\RunControl;
use S3Native\Migration\Selection;

final class MigrateCommand implements Command
{
    const OPTIONS = [
        'to' => ['value' => 'BK', 'help' => 'where files go: 3 (S3, this plugin) or D (the database); required'],
        'from' => ['value' => 'BK', 'help' => 'take files of this backend only (default: every backend but the target)'],
        'jobs' => ['value' => 'N', 'help' => 'uploads in flight at once, 1 to 256 (default 64)'],
        'readers' => ['value' => 'N', 'help' => 'processes reading and checking database files ahead, 0 to 8 '
            . '(default 2; 0: this process reads)'],
        'limit' => ['value' => 'N', 'help' => 'move at most N files (the first N by id)'],
        'file-id' => ['value' => 'ID[,ID...]', 'help' => 'only these files (ost_file.id)'],
        'min-size' => ['value' => 'BYTES', 'help' => 'only files of at least this size (k, M, G welcome)'],
        'max-size' => ['value' => 'BYTES', 'help' => 'only files of at most this size'],
        'max-seconds' => ['value' => 'S', 'help' => 'start no new file after S seconds; stops cleanly, run again to go on'],
        'dry-run' => ['help' => 'count the files and bytes that would move; change nothing'],
        'json' => ['help' => 'print a JSON summary on stdout (progress stays on stderr)'],
        'quiet' => ['help' => 'no progress lines (the summary is still printed)'],
    ];

    /** Seconds between two updates of the live line on a terminal. */
    const LIVE_INTERVAL = 0.2;

    /** @var Console */
    private $console;
    /** @var float */
    private $lastLive = 0.0;

    public function __construct(?Console $console = null)
    {
        $this->console = $console ?: Console::standard();
    }

    public static function summary(): string
    {
        return 'move attachments to S3 (--to 3) or back to the database (--to D), verified, in parallel';
    }

    public static function usage(): string
    {
        return "Usage: s3-attachments migrate --to 3|D [options]\n\n"
            . "Moves attachments into S3 (backend 3, this plugin) or back into the database (D).\n"
            . "Every file is read, checked against ost_file.size and ost_file.signature, stored,\n"
            . "checked again by the CRC32C the store confirms, switched (UPDATE ... WHERE bk = its\n"
            . "old backend), and only then is its old copy deleted. A file that fails any check\n"
            . "stays where it was and is reported with its id, name and the reason. A run that is\n"
            . "killed or stopped is completed by the next one; only one run at a time.\n\n"
            . "Options:\n" . Options::describe(self::OPTIONS)
            . "\nOutput: progress on stderr (a live line on a terminal, a line every few seconds\n"
            . "otherwise), then a summary. --json prints {selected, moved, skipped, failed,\n"
            . "bytes_selected, bytes_moved, bytes_freed, seconds, failures: [{id, name, reason}], ...}.\n\n"
            . "Exit status: 0 every selected file moved (or a dry run), 1 some files failed,\n"
            . "2 wrong options, 3 could not start (another run, the plugin not enabled),\n"
            . "4 stopped early (--max-seconds, or the store refusing): run again to go on.\n";
    }

    public function run(array $args): int
    {
        $o = Options::parse($args, self::OPTIONS);
        if ($o->positional()) {
            throw new UsageError('unexpected argument "' . $o->positional()[0] . '"');
        }
        $to = $o->string('to');
        if ($to === null) {
            throw new UsageError('--to is required: 3 (into S3) or D (back into the database)');
        }
        if (!in_array($to, Migrator::TARGETS, true)) {
            throw new UsageError("--to must be 3 (S3) or D (the database), not \"$to\"; other backends: "
                . 'php manage.php file migrate');
        }
        $from = $o->string('from');
        if ($from !== null && ($from === $to || strlen($from) !== 1)) {
            throw new UsageError("--from must be one backend character other than the target, not \"$from\"");
        }
        $selection = new Selection($to, $from);
        $selection->limit = $o->int('limit', null, 1);
        $selection->fileIds = $o->idList('file-id');
        $selection->minSize = $o->bytes('min-size');
        $selection->maxSize = $o->bytes('max-size');
        $control = new RunControl();
        $control->jobs = (int) $o->int('jobs', 64, 1, 256);
        $control->readerProcesses = (int) $o->int('readers', 2, 0, 8);
        $control->lockWaitSeconds = 5;
        $seconds = $o->seconds('max-seconds');
        $started = microtime(true);
        $control->deadline = $seconds !== null ? $started + $seconds : null;
        $dryRun = $o->flag('dry-run');
        $json = $o->flag('json');
        $this->console->setQuiet($o->flag('quiet'));

        $store = PluginStore::fromPlugin();
        $control->onProgress = function (Report $report) {
            $this->showProgress($report, false);
        };
        $report = Migrator::run($store, $selection, $control, $dryRun);
        $this->showProgress($report, true);
        $this->console->endProgress();

        if ($json) {
            $this->console->out(json_encode($report->toArray(), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
                | JSON_PRETTY_PRINT | JSON_INVALID_UTF8_SUBSTITUTE) . "\n");
        }
        $this->summarize($report);
        if ($dryRun) {
            return ExitStatus::OK;
        }
        if ($report->failed > 0) {
            return ExitStatus::FAILURES;
        }
        return $report->skipped() > 0 ? ExitStatus::STOPPED : ExitStatus::OK;
    }

    private function showProgress(Report $r, bool $final): void
    {
        $now = microtime(true);
        if (!$final && $this->console->isTerminal() && $now - $this->lastLive < self::LIVE_INTERVAL) {
            return;
        }
        $this->lastLive = $now;
        if ($r->dryRun) {
            return;
        }
        $done = $r->moved + $r->failed;
        $elapsed = max(0.001, $r->seconds());
        $rate = $r->bytesMoved / $elapsed;
        $left = max(0, $r->bytesSelected - $r->bytesMoved);
        $eta = $rate > 0 ? Console::duration($left / $rate) : '?';
        $this->console->progress(sprintf('migrate to %s: %d/%d files, %s/%s, %.1f MiB/s, ETA %s, %d failed',
            $r->to, $done, $r->selected, Console::mib($r->bytesMoved), Console::mib($r->bytesSelected),
            $rate / 1048576, $final ? '0s' : $eta, $r->failed), $final);
    }

    /** The end summary, on stderr: counts, failures with reasons, what to do next. */
    private function summarize(Report $r): void
    {
        $c = $this->console;
        if ($r->dryRun) {
            $c->log(sprintf('Dry run: %d files (%s) would move to backend %s; nothing was changed.',
                $r->selected, Console::mib($r->bytesSelected), $r->to));
            foreach ($r->bySource as $bk => $t) {
                $c->log(sprintf('  from backend %s: %d files, %s', $bk, $t['files'], Console::mib($t['bytes'])));
            }
            $pending = Journal::count();
            if ($pending > 0) {
                $c->log("  $pending interrupted moves of an earlier run are waiting: the next real run completes them first.");
            }
            return;
        }
        if ($r->recovered > 0) {
            $c->log("Completed $r->recovered moves an earlier run had left half-done.");
        }
        $c->log(sprintf('Moved %d of %d files (%s of %s) to backend %s in %s; %d failed, %d skipped; %s freed '
            . 'in the database.', $r->moved, $r->selected, Console::mib($r->bytesMoved), Console::mib($r->bytesSelected),
            $r->to, Console::duration($r->seconds()), $r->failed, $r->skipped(), Console::mib($r->bytesFreed)));
        if ($r->stopped !== null) {
            $c->log('Stopped early: ' . $r->stopped . '.');
        }
        foreach ($r->failures as $f) {
            $c->log(sprintf('  FAILED file %d "%s": %s', $f['id'], $f['name'], $f['reason']));
        }
        foreach ($r->notes as $note) {
            $c->log('  note: ' . $note);
        }
        if ($r->bytesFreed > 0) {
            $c->log($this->optimizeAdvice($r->bytesFreed));
        }
    }

    /**
     * InnoDB keeps the space of deleted rows inside the table's file; only a
     * rebuild gives it back, and the rebuild writes a copy of what is left:
     * the files still in the database (their sizes, from ost_file, rather
     * than information_schema's estimates, which InnoDB updates lazily).
     */
    private function optimizeAdvice(int $freed): string
    {
        $left = (int) (Db::row('SELECT COALESCE(SUM(size), 0) AS bytes FROM ' . FILE_TABLE . " WHERE bk = 'D'")['bytes'] ?? 0);
        return sprintf('The database keeps the %s freed inside %s until the table is rebuilt. In a quiet hour, run: '
            . 'OPTIMIZE TABLE %s; it rewrites what is left in it (%s of files still in the database), so it needs '
            . 'about that much free disk on the database server.',
            Console::mib($freed), FILE_CHUNK_TABLE, FILE_CHUNK_TABLE, Console::mib($left));
    }
}
