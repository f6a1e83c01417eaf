<?php
/**
 * What the audit reads from, and the one thing `--fix` deletes in,
 * osTicket's database: ost_file rows by backend and ost_file_chunk rows.
 * Every listing is paged by id, so a helpdesk with millions of files is
 * read a page at a time.
 *
 * Runs inside a booted osTicket (db_query() and its table constants).
 */

namespace S3Native\Audit;

require_once __DIR__ . '/AuditFailed.php';
require_once __DIR__ . '/../Migration/Journal.php';

final class StoreRows
{
    /** osTicket's character for the database backend. */
    const DATABASE = 'D';

    /**
     * Rows of one backend with an id above $afterId, by id.
     *
     * @return array<int, array{id: string, key: string, name: string, type: string, size: string, bk: string, attrs: ?string, created: string}>
     */
    public function filesAfter(string $backend, int $afterId, int $limit): array
    {
        return $this->rows('SELECT id, `key`, name, type, size, bk, attrs, created FROM ' . FILE_TABLE
            . ' WHERE bk=' . db_input($backend) . ' AND id>' . db_input($afterId)
            . ' ORDER BY id LIMIT ' . (int) $limit);
    }

    /**
     * Database rows created after a given row (by time, then id: created
     * has whole seconds), by id.
     *
     * @return array<int, array{id: string, name: string, size: string, created: string}>
     */
    public function databaseFilesCreatedAfter(string $created, int $createdId, int $afterId, int $limit): array
    {
        $at = db_input($created);
        return $this->rows('SELECT id, name, size, created FROM ' . FILE_TABLE
            . ' WHERE bk=' . db_input(self::DATABASE)
            . " AND (created>$at OR (created=$at AND id>" . db_input($createdId) . '))'
            . ' AND id>' . db_input($afterId) . ' ORDER BY id LIMIT ' . (int) $limit);
    }

    public function countFiles(string $backend): int
    {
        return (int) $this->rows('SELECT COUNT(*) AS n FROM ' . FILE_TABLE
            . ' WHERE bk=' . db_input($backend))[0]['n'];
    }

    /** @return array{id: string, created: string}|null the earliest row of a backend */
    public function firstFile(string $backend): ?array
    {
        return $this->rows('SELECT id, created FROM ' . FILE_TABLE . ' WHERE bk=' . db_input($backend)
            . ' ORDER BY created, id LIMIT 1')[0] ?? null;
    }

    /**
     * Chunk rows whose file is not in the database backend or has no row,
     * one entry per file_id.
     *
     * @return array<int, array{file_id: string, chunks: string, bytes: string, row_id: ?string, bk: ?string, name: ?string}>
     */
    public function orphanChunks(): array
    {
        return $this->rows('SELECT c.file_id, COUNT(*) AS chunks, SUM(LENGTH(c.filedata)) AS bytes,'
            . ' MAX(f.id) AS row_id, MAX(f.bk) AS bk, MAX(f.name) AS name'
            . ' FROM ' . FILE_CHUNK_TABLE . ' c LEFT JOIN ' . FILE_TABLE . ' f ON f.id=c.file_id'
            . ' WHERE f.id IS NULL OR f.bk<>' . db_input(self::DATABASE)
            . ' GROUP BY c.file_id ORDER BY c.file_id');
    }

    /**
     * Deletes one file's chunk rows if they are still orphans, in one
     * transaction that locks them and the file's row: a row switched back
     * to the database meanwhile keeps its chunks.
     *
     * @return array{chunks: int, bytes: int} what was deleted
     */
    public function deleteOrphanChunks(int $fileId): array
    {
        $orphan = ' FROM ' . FILE_CHUNK_TABLE . ' c LEFT JOIN ' . FILE_TABLE . ' f ON f.id=c.file_id'
            . ' WHERE c.file_id=' . db_input($fileId) . ' AND (f.id IS NULL OR f.bk<>' . db_input(self::DATABASE) . ')';
        $this->execute('START TRANSACTION');
        try {
            $found = $this->rows('SELECT COUNT(*) AS chunks, COALESCE(SUM(LENGTH(c.filedata)), 0) AS bytes'
                . $orphan . ' FOR UPDATE')[0];
            $this->execute('DELETE c' . $orphan);
            $this->execute('COMMIT');
        } catch (\Throwable $e) {
            db_query('ROLLBACK');
            throw $e;
        }
        return ['chunks' => (int) $found['chunks'], 'bytes' => (int) $found['bytes']];
    }

    /**
     * Rows whose key is one of $keys, exactly (the column's collation
     * ignores case; keys are mixed-case base64).
     *
     * @param string[] $keys
     * @return array<string, array<int, array{id: string, key: string, bk: string, attrs: ?string, name: string}>> key => rows
     */
    public function filesByKey(array $keys): array
    {
        $byKey = [];
        foreach (array_chunk(array_values(array_unique($keys)), 500) as $some) {
            $list = implode(',', array_map('db_input', $some));
            foreach ($this->rows('SELECT id, `key`, bk, attrs, name FROM ' . FILE_TABLE
                . " WHERE `key` IN ($list)") as $row) {
                if (in_array($row['key'], $some, true)) {
                    $byKey[$row['key']][] = $row;
                }
            }
        }
        return $byKey;
    }

    /**
     * Moves a migration began and did not finish (killed, store down): the
     * migration's journal, which its next run finishes or undoes.
     *
     * @return array<int, array{from?: string, to?: string, bucket?: string, object?: string}> file id => entry
     */
    public function interruptedMoves(): array
    {
        $moves = [];
        foreach ($this->rows('SELECT `key`, value FROM ' . CONFIG_TABLE . ' WHERE namespace='
            . db_input(\S3Native\Migration\Journal::NAMESPACE)) as $row) {
            $entry = json_decode((string) $row['value'], true);
            $moves[(int) $row['key']] = is_array($entry) ? $entry : [];
        }
        return $moves;
    }

    /** The store new files go to: Admin > Settings > System > Store Attachments. */
    public function defaultStorage(): string
    {
        $row = $this->rows('SELECT value FROM ' . CONFIG_TABLE
            . " WHERE namespace='core' AND `key`='default_storage_bk'")[0] ?? null;
        return $row !== null && (string) $row['value'] !== '' ? (string) $row['value'] : self::DATABASE; // osTicket's default
    }

    /** @return array<int, array<string, ?string>> */
    private function rows(string $sql): array
    {
        $res = db_query($sql);
        if (!$res instanceof \mysqli_result) {
            throw $this->failed($sql);
        }
        $rows = [];
        while ($row = db_fetch_array($res)) {
            $rows[] = $row;
        }
        db_free_result($res);
        return $rows;
    }

    private function execute(string $sql): void
    {
        if (db_query($sql) === false) {
            throw $this->failed($sql);
        }
    }

    private function failed(string $sql): AuditFailed
    {
        return new AuditFailed(sprintf('The database refused "%s…": %s. Check that osTicket\'s database '
            . 'is reachable with the settings in include/ost-config.php.', substr($sql, 0, 60), db_error()));
    }
}
