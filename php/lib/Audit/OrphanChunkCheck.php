<?php
/**
 * ost_file_chunk rows that no file reads: their file is in another backend
 * (a migration that switched the row and stopped before deleting them) or
 * has no row at all (a delete that stopped half-way). They only take space;
 * `--fix` deletes them and nothing else.
 */

namespace S3Native\Audit;

require_once __DIR__ . '/Finding.php';
require_once __DIR__ . '/StoreRows.php';

final class OrphanChunkCheck
{
    /** @var StoreRows */
    private $rows;

    public function __construct(StoreRows $rows)
    {
        $this->rows = $rows;
    }

    /**
     * @param callable(Finding): void $report
     * @return array{files: int, chunks: int, bytes: int}
     */
    public function run(callable $report): array
    {
        $total = ['files' => 0, 'chunks' => 0, 'bytes' => 0];
        foreach ($this->rows->orphanChunks() as $orphan) {
            $report(new Finding(Finding::ORPHAN_CHUNKS, (int) $orphan['file_id'], (string) ($orphan['name'] ?? ''),
                sprintf('%d chunk row%s, %d bytes, in ost_file_chunk; %s. `audit --fix` deletes them.',
                    (int) $orphan['chunks'], (int) $orphan['chunks'] === 1 ? '' : 's', (int) $orphan['bytes'], $orphan['row_id'] === null
                        ? 'the file has no ost_file row'
                        : sprintf('the file is stored in backend %s, which does not read them', $orphan['bk']))));
            $total['files']++;
            $total['chunks'] += (int) $orphan['chunks'];
            $total['bytes'] += (int) $orphan['bytes'];
        }
        return $total;
    }

    /**
     * Deletes the chunk rows that are still orphans at the moment of the
     * delete.
     *
     * @param int[] $fileIds the files this audit found orphan chunks of
     * @return array{files: int, chunks: int, bytes: int} what was deleted
     */
    public function fix(array $fileIds): array
    {
        $freed = ['files' => 0, 'chunks' => 0, 'bytes' => 0];
        foreach (array_unique($fileIds) as $fileId) {
            $deleted = $this->rows->deleteOrphanChunks((int) $fileId);
            if ($deleted['chunks'] > 0) {
                $freed['files']++;
                $freed['chunks'] += $deleted['chunks'];
                $freed['bytes'] += $deleted['bytes'];
            }
        }
        return $freed;
    }
}
