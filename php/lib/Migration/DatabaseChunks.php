<?php
/**
 * File contents in osTicket's database backend `D`: rows of ost_file_chunk,
 * chunk_id 0, 1, 2… of at most CHUNK_SIZE bytes each, read here straight
 * with SQL (osTicket's own reader asks one query per chunk).
 *
 * A file's chunk ids must run from 0 without a gap: a hole means a lost
 * part, and the file is refused rather than copied short.
 */

namespace S3Native\Migration;

final class DatabaseChunks
{
    /** osTicket's CHUNK_SIZE (include/class.file.php): 500 KiB. */
    const CHUNK_SIZE = 512000;

    /** Chunks per query when streaming a large file: 8 MB in memory at most. */
    const WINDOW = 16;

    /**
     * The whole content of several (small) files in one query.
     *
     * @param list<int> $ids
     * @return array<int, string|FileRejected> id => bytes ('' when the file has no chunk), or why not
     */
    public static function readWhole(array $ids): array
    {
        $out = [];
        foreach ($ids as $id) {
            $out[(int) $id] = '';
        }
        if (!$ids) {
            return $out;
        }
        $res = self::query('SELECT file_id, chunk_id, filedata FROM ' . FILE_CHUNK_TABLE
            . ' WHERE file_id IN (' . Db::idList($ids) . ') ORDER BY file_id, chunk_id');
        $next = [];
        while ($row = db_fetch_row($res)) {
            $id = (int) $row[0];
            if ($out[$id] instanceof FileRejected) {
                continue;
            }
            $expected = $next[$id] ?? 0;
            if ((int) $row[1] !== $expected) {
                $out[$id] = self::gap($expected, (int) $row[1]);
                continue;
            }
            $next[$id] = $expected + 1;
            $out[$id] .= (string) $row[2];
        }
        $res->free();
        return $out;
    }

    /**
     * The content of one file, WINDOW chunks per query.
     *
     * @return \Generator<int, string>
     * @throws FileRejected at a missing chunk
     */
    public static function stream(int $id): \Generator
    {
        $next = 0;
        while (true) {
            $res = self::query('SELECT chunk_id, filedata FROM ' . FILE_CHUNK_TABLE . ' WHERE file_id=' . (int) $id
                . ' AND chunk_id >= ' . $next . ' ORDER BY chunk_id LIMIT ' . self::WINDOW);
            $rows = 0;
            $blocks = [];
            while ($row = db_fetch_row($res)) {
                $rows++;
                if ((int) $row[0] !== $next) {
                    $res->free();
                    throw self::gap($next, (int) $row[0]);
                }
                $next++;
                $blocks[] = (string) $row[1];
            }
            $res->free();
            foreach ($blocks as $i => $block) {
                $blocks[$i] = null;
                yield $block;
            }
            if ($rows < self::WINDOW) {
                return;
            }
        }
    }

    /** Writes a file's content as osTicket's backend D does: CHUNK_SIZE pieces from chunk 0. */
    public static function writer(int $id): ChunkWriter
    {
        return new ChunkWriter($id, self::CHUNK_SIZE);
    }

    /** Deletes every chunk of these files. */
    public static function delete(array $ids): int
    {
        return $ids ? Db::exec('DELETE FROM ' . FILE_CHUNK_TABLE . ' WHERE file_id IN (' . Db::idList($ids) . ')') : 0;
    }

    /**
     * Whether osTicket's backend D can serve these bytes whole: its read
     * loops stop at a block that is the single character "0", which is the
     * last block when the size is one more than a multiple of CHUNK_SIZE and
     * the last byte is "0" (content "0" included).
     */
    public static function servable(int $size, string $lastByte): bool
    {
        return !($size % self::CHUNK_SIZE === 1 && $lastByte === '0');
    }

    private static function gap(int $expected, int $found): FileRejected
    {
        return new FileRejected(sprintf('chunk %d of this file is missing from the database (the next one is chunk %d): '
            . 'part of its content is lost; left as it is', $expected, $found));
    }

    /** @return \mysqli_result */
    private static function query(string $sql)
    {
        $res = db_query($sql, false);
        if (!$res) {
            throw new \RuntimeException('reading ' . FILE_CHUNK_TABLE . ' failed: ' . db_error());
        }
        return $res;
    }
}
