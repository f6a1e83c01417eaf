<?php
/**
 * `s3-attachments audit`: is the attachment store whole? Read-only, except
 * that `--fix` deletes orphan chunk rows (never an object, never a row).
 */

namespace S3Native\Cli;

use S3Native\Audit\AuditFailed;
use S3Native\Audit\Auditor;
use S3Native\Audit\ReportText;
use S3Native\Audit\StoreRows;

require_once __DIR__ . '/../Audit/Auditor.php';
require_once __DIR__ . '/../Audit/ReportText.php';

final class AuditCommand implements Command
{
    const OPTIONS = [
        'jobs' => ['value' => 'N', 'help' => 'HEAD requests in flight at once (1-256, default 16)'],
        'list-objects' => ['help' => 'also list the folder for objects no row reads (needs s3:ListBucket)'],
        'fix' => ['help' => 'delete the orphan chunk rows found (only those), then check again'],
        'json' => ['help' => 'print {"ok", "findings", "counts"} as JSON on stdout'],
    ];

    public static function summary(): string
    {
        return 'check every S3 file\'s object and size, silent fallbacks to the database, orphan chunks';
    }

    public static function usage(): string
    {
        return "Usage: s3-attachments audit [--jobs N] [--list-objects] [--fix] [--json] [--root DIR]\n\n"
            . "Checks the whole attachment store and changes nothing (unless --fix):\n"
            . "  missing_object      a file of backend 3 whose object is at none of the keys the plugin\n"
            . "                      reads it from\n"
            . "  size_mismatch       its object's size is not ost_file.size\n"
            . "  cannot_check        the store did not answer for its object (denied, unreachable): the\n"
            . "                      detail says why\n"
            . "  silent_fallback     a file kept in the database, created while S3 is the default store\n"
            . "                      after the first file stored in S3 (osTicket's silent fallback)\n"
            . "  orphan_chunks       ost_file_chunk rows of a file not in the database, or of no file\n"
            . "  object_without_row  (--list-objects) an object under the folder that no row reads\n"
            . "  cannot_list         (--list-objects) the store refused or failed the listing\n\n"
            . "Options:\n" . Options::describe(self::OPTIONS
                + ['root' => ['value' => 'DIR', 'help' => 'the osTicket folder (default: found from the plugin\'s place)']])
            . "\n"
            . "Output: a table of findings and counts on stdout (--json: one JSON object); progress on stderr.\n"
            . "Exit status: 0 nothing wrong, 1 findings (after --fix: what is left), 2 wrong options,\n"
            . "3 the audit could not run (plugin, extension, database, or another --fix/migrate running).\n";
    }

    public function run(array $args): int
    {
        $options = Options::parse($args, self::OPTIONS);
        if ($options->positional()) {
            throw new UsageError('audit takes no arguments, got "' . implode(' ', $options->positional()) . '"');
        }
        $jobs = $options->int('jobs', 16, 1, 256);
        $store = PluginStore::fromPlugin();
        // One writer at a time: --fix must not race a migration's chunk deletes.
        $lock = $options->flag('fix') ? StoreLock::acquire('audit --fix') : null;
        $console = Console::standard();
        if (!$lock && StoreLock::heldElsewhere()) {
            $console->log('audit: a migration (or audit --fix) is running now: orphan chunks and objects '
                . 'without a row may be its work in progress. Audit again when it has finished.');
        }
        $auditor = new Auditor($store, new StoreRows(), $console);
        try {
            $report = $auditor->run($jobs, $options->flag('list-objects'));
            if ($options->flag('fix')) {
                $auditor->fix($report);
            }
        } catch (\Throwable $e) {
            // Not a finding: the audit did not get to the end, so it cannot say
            // the store is fine or what is wrong with it (exit 1 would).
            $console->endProgress();
            $console->log('s3-attachments audit: the audit could not run to the end: '
                . ($e instanceof AuditFailed ? '' : get_class($e) . ': ') . $e->getMessage()
                . ($options->flag('fix') ? ' Nothing but orphan chunk rows can have been deleted' : ' Nothing was changed')
                . '; fix the cause and run it again.');
            return ExitStatus::CANNOT_START;
        } finally {
            if ($lock) {
                $lock->release();
            }
        }
        if (($report->counts()['freed_chunk_bytes'] ?? 0) > 0) {
            $console->log('audit --fix: the database gives the space back to the disk only after '
                . '`OPTIMIZE TABLE ' . FILE_CHUNK_TABLE . '` (it rewrites the table: it needs free disk '
                . 'about the size of what is left in it, and locks it while it runs).');
        }
        $console->out($options->flag('json') ? $report->toJson() : ReportText::render($report));
        return $report->ok() ? ExitStatus::OK : ExitStatus::FAILURES;
    }
}
