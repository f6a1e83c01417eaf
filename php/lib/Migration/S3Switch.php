<?php
/**
 * The last steps of moving files into S3, for files whose copy the store
 * has confirmed: switch their rows (`UPDATE … WHERE id IN (…) AND bk =
 * <source>`, one statement per source backend), then delete their source
 * copies, then close their journal entries. Batched, so a group of small
 * files costs a few statements, not a few per file.
 *
 * A row that did not switch was changed meanwhile (deleted, or moved by
 * someone else): its new copy is deleted and it counts as skipped.
 *
 * Chunks are deleted by ChunkDeletes, possibly in another process: their
 * journal entries close when it says they are gone (waitForDeletes() at
 * the end of a run).
 */

namespace S3Native\Migration;

use S3Native\ObjectKeyResolver;

final class S3Switch
{
    /** @var Report */
    private $report;
    /** @var \S3AttachmentBackend */
    private $backend;
    /** @var string ost_file.attrs of every file moved (the configured bucket and folder) */
    private $attrs;
    /** @var array<int, array{row: array, key: string}> confirmed, not switched yet */
    private $verified = [];
    /** @var list<int> journal entries to close */
    private $finished = [];
    /** @var ChunkDeletes */
    private $chunks;

    public function __construct(Report $report, \S3AttachmentBackend $backend, string $attrs, ChunkDeletes $chunks)
    {
        $this->report = $report;
        $this->backend = $backend;
        $this->attrs = $attrs;
        $this->chunks = $chunks;
    }

    /** A file whose copy at $key the store confirmed. */
    public function add(array $row, string $key): void
    {
        $this->verified[(int) $row['id']] = ['row' => $row, 'key' => $key];
    }

    /** A journal entry with nothing left to do (the file failed, and its copy is gone). */
    public function finish(int $id): void
    {
        $this->finished[] = $id;
    }

    /** Deletes a copy this run made; false (noted) when the store refused: its entry then stays for the next run. */
    public function dropCopy(int $id, string $key): bool
    {
        try {
            $this->backend->delete($key);
            return true;
        } catch (\S3AttachmentException $e) {
            $this->report->notes[] = sprintf('file %d: its copy %s could not be deleted now (%s); the next run '
                . 'deletes it', $id, $key, $e->getMessage());
            return false;
        }
    }

    /** Switches what was added, deletes the source copies, closes the journal entries. */
    public function settle(): void
    {
        if ($this->verified) {
            $verified = $this->verified;
            $this->verified = [];
            Failpoint::hit('before-switch');
            $bySource = [];
            foreach ($verified as $id => $v) {
                if (isset($v['row']['repaired_size'])) {
                    $this->switchRows((string) $v['row']['bk'], [$id], (int) $v['row']['repaired_size']);
                } else {
                    $bySource[(string) $v['row']['bk']][] = $id;
                }
            }
            foreach ($bySource as $source => $ids) {
                $this->switchRows($source, $ids, null);
            }
            $switched = array_flip(array_map('intval', array_column(Db::rows('SELECT id FROM ' . FILE_TABLE
                . ' WHERE id IN (' . Db::idList(array_keys($verified)) . ') AND bk = '
                . Db::quote(ObjectKeyResolver::BACKEND_CHAR) . ' AND attrs = ' . Db::quote($this->attrs)), 'id')));
            Failpoint::hit('after-switch');
            $bySource = [];
            foreach ($verified as $id => $v) {
                if (isset($switched[$id])) {
                    $this->moved($v['row']);
                    $bySource[(string) $v['row']['bk']][] = $id;
                    continue;
                }
                $this->report->notes[] = sprintf('file %d changed while it was being moved (deleted, or moved by '
                    . 'someone else): skipped, its new copy deleted', $id);
                if ($this->dropCopy($id, $v['key'])) {
                    $this->finished[] = $id;
                }
            }
            foreach ($bySource as $source => $ids) {
                $this->deleteSources((string) $source, $ids, $verified);
            }
        }
        $this->collectDeletes(false);
        if ($this->finished) {
            Journal::remove($this->finished);
            $this->finished = [];
        }
    }

    /** Waits until every chunk delete asked for is done, and closes their journal entries. */
    public function waitForDeletes(): void
    {
        $this->collectDeletes(true);
        $this->settle();
    }

    private function collectDeletes(bool $wait): void
    {
        try {
            $batches = $this->chunks->done($wait);
        } catch (\RuntimeException $e) {
            $this->report->notes[] = 'deleting the chunks of moved files failed (' . $e->getMessage() . '); the '
                . 'files are in S3 already, and the next run deletes those chunks';
            return;
        }
        foreach ($batches as $batch) {
            $this->report->bytesFreed += $batch['bytes'];
            array_push($this->finished, ...$batch['ids']);
        }
    }

    /** @param list<int> $ids rows of backend $source; $size: a corrected ost_file.size (one row) */
    private function switchRows(string $source, array $ids, ?int $size): void
    {
        Db::exec('UPDATE ' . FILE_TABLE . ' SET bk = ' . Db::quote(ObjectKeyResolver::BACKEND_CHAR)
            . ', attrs = ' . Db::quote($this->attrs) . ($size !== null ? ", size = $size" : '')
            . ' WHERE id IN (' . Db::idList($ids) . ') AND bk = ' . Db::quote($source));
    }

    private function moved(array $row): void
    {
        if (isset($row['repaired_size'])) {
            $this->report->notes[] = sprintf('file %d "%s": its last byte, a "0", had been dropped by osTicket\'s '
                . 'database backend; its signature proves it, and the copy in S3 has it back (size %d, was %d)',
                (int) $row['id'], $row['name'], $row['repaired_size'], $row['size']);
            $row['size'] = $row['repaired_size'];
        }
        $this->report->moved($row);
    }

    /** @param list<int> $ids switched from $source */
    private function deleteSources(string $source, array $ids, array $verified): void
    {
        try {
            if ($source === 'D') {
                $bytes = 0;
                foreach ($ids as $id) {
                    $row = $verified[$id]['row'];
                    $bytes += (int) ($row['chunk_bytes'] ?? $row['size']);
                }
                $this->chunks->delete($ids, ['ids' => $ids, 'bytes' => $bytes]);
                Failpoint::hit('after-delete-asked');
                return;
            }
            foreach ($ids as $id) {
                SourceReader::unlinkOther($verified[$id]['row']);
                $this->finished[] = $id;
            }
        } catch (\Throwable $e) {
            $this->report->notes[] = "deleting source copies in backend $source failed (" . $e->getMessage()
                . '); the files are in S3 already, and the next run deletes those copies';
        }
    }
}
