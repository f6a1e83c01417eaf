<?php
/**
 * The whole audit, in order of cost: the database checks (orphan chunks,
 * silent fallback), then a HEAD for every S3 row, then, if asked, the
 * listing of the folder. `fix()` deletes the orphan chunks found and looks
 * again.
 */

namespace S3Native\Audit;

use S3Native\Cli\Console;
use S3Native\Cli\PluginStore;

require_once __DIR__ . '/AuditReport.php';
require_once __DIR__ . '/StoreRows.php';
require_once __DIR__ . '/ObjectCheck.php';
require_once __DIR__ . '/FallbackCheck.php';
require_once __DIR__ . '/OrphanChunkCheck.php';
require_once __DIR__ . '/UnreferencedObjectCheck.php';

final class Auditor
{
    /** @var PluginStore */
    private $store;
    /** @var StoreRows */
    private $rows;
    /** @var Console */
    private $console;

    public function __construct(PluginStore $store, StoreRows $rows, Console $console)
    {
        $this->store = $store;
        $this->rows = $rows;
        $this->console = $console;
    }

    /** @throws AuditFailed when the database refuses a query */
    public function run(int $jobs, bool $listObjects): AuditReport
    {
        $report = new AuditReport();
        $add = function (Finding $f) use ($report) { $report->add($f); };

        $this->orphanChunks($report);

        $basis = (new FallbackCheck($this->rows))->run($add);
        $this->console->log(sprintf('audit: default store "%s"%s', $basis['default_storage'],
            $basis['default_storage'] !== '3' ? ': database rows are not fallbacks'
                : ($basis['since'] !== null ? ", first S3 file created {$basis['since']}" : ', no S3 file yet')));

        $this->console->progress('audit: checking the objects of S3 rows…', true);
        $checked = (new ObjectCheck($this->rows, $this->store, $jobs))->run($add, function (int $done, int $total) {
            $this->console->progress(sprintf('audit: %d/%d S3 rows checked', $done, $total));
        });
        $this->console->progress(sprintf('audit: %d S3 rows checked', $checked['files']), true);
        $this->console->endProgress();
        $report->count('files_in_s3', $checked['files']);
        $report->count('bytes_in_s3', $checked['bytes']);
        $report->count('files_not_checked', $checked['not_checked']);

        if ($listObjects) {
            $listed = (new UnreferencedObjectCheck($this->rows, $this->store))->run($add, function (int $listed) {
                $this->console->progress(sprintf('audit: %d objects listed', $listed));
            });
            $this->console->progress(sprintf('audit: %d objects listed%s', $listed['listed'],
                $listed['complete'] ? '' : ' (the listing stopped: see the cannot_list finding)'), true);
            $this->console->endProgress();
            $report->count('objects_listed', $listed['listed']);
        }
        $this->explainInterruptedMoves($report);
        return $report;
    }

    /**
     * Chunks and objects of a move a migration left half-done are its to
     * clean up on its next run: the findings about them say so.
     */
    private function explainInterruptedMoves(AuditReport $report, ?string $kind = null): void
    {
        $moves = $this->rows->interruptedMoves();
        if ($kind === null) {
            $report->count('interrupted_moves', count($moves));
            if ($moves) {
                $this->console->log(sprintf('audit: %d interrupted migration move%s pending: the next migrate '
                    . 'run finishes or undoes %s.', count($moves), count($moves) === 1 ? ' is' : 's are',
                    count($moves) === 1 ? 'it' : 'them'));
            }
        }
        if (!$moves) {
            return;
        }
        $byObject = [];
        foreach ($moves as $id => $move) {
            if (isset($move['bucket'], $move['object'])) {
                $byObject[$move['bucket'] . '/' . $move['object']] = $id;
            }
        }
        $bucket = $this->store->settings()->bucket;
        foreach ($report->findings($kind) as $finding) {
            $id = $finding->fileId ?? ($finding->kind === Finding::OBJECT_WITHOUT_ROW
                ? ($byObject[$bucket . '/' . $finding->name] ?? null) : null);
            if ($id !== null && isset($moves[$id])) {
                $finding->detail .= sprintf(' A migration of file %d (%s to %s) was interrupted: its next run '
                    . '(`s3-attachments migrate`, or the cron batch) finishes or undoes it.',
                    $id, $moves[$id]['from'] ?? '?', $moves[$id]['to'] ?? '?');
            }
        }
    }

    /**
     * Deletes the chunk rows of the orphan-chunk findings that are still
     * orphans, then checks again; nothing else is touched.
     *
     * @throws AuditFailed
     */
    public function fix(AuditReport $report): void
    {
        $ids = array_map(function (Finding $f) { return (int) $f->fileId; }, $report->findings(Finding::ORPHAN_CHUNKS));
        $freed = (new OrphanChunkCheck($this->rows))->fix($ids);
        $report->count('freed_chunk_files', $freed['files']);
        $report->count('freed_chunk_rows', $freed['chunks']);
        $report->count('freed_chunk_bytes', $freed['bytes']);
        $this->console->log(sprintf('audit --fix: deleted %d orphan chunk rows of %d files, %d bytes (%s)',
            $freed['chunks'], $freed['files'], $freed['bytes'], Console::mib($freed['bytes'])));
        $report->withdraw(Finding::ORPHAN_CHUNKS);
        $this->orphanChunks($report);
        $this->explainInterruptedMoves($report, Finding::ORPHAN_CHUNKS);
    }

    private function orphanChunks(AuditReport $report): void
    {
        $orphans = (new OrphanChunkCheck($this->rows))->run(function (Finding $f) use ($report) { $report->add($f); });
        $report->count('orphan_chunk_rows', $orphans['chunks']);
        $report->count('orphan_chunk_bytes', $orphans['bytes']);
    }
}
