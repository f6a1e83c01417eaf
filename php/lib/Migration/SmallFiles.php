<?php
/**
 * Reads a group of small files (at most ToS3::WHOLE_FILE_MAX bytes each)
 * whole and checks each against its row (SourceCheck): database files in
 * one query, others block by block from their backend. What a file that
 * fails gets instead of its bytes is the reason, as a FileRejected.
 *
 * The migration runs this in its own process (InProcessGroupReader) or in
 * reader processes (ReaderProcess, database files only).
 */

namespace S3Native\Migration;

final class SmallFiles
{
    /**
     * @param list<array> $rows ost_file rows (id, size, signature, bk, …)
     * @return array<int, CheckedContent|FileRejected> by file id
     */
    public static function read(array $rows, SourceReader $sources): array
    {
        return self::readFromDatabase(self::split($rows)[0]) + self::readOthers($rows, $sources);
    }

    /**
     * Rows of files in the database, and the others.
     *
     * @return array{0: list<array>, 1: list<array>}
     */
    public static function split(array $rows): array
    {
        $split = [[], []];
        foreach ($rows as $row) {
            $split[$row['bk'] === 'D' ? 0 : 1][] = $row;
        }
        return $split;
    }

    /**
     * The files of $rows that are not in the database, block by block from
     * their backend (osTicket's read(), or this plugin's objects).
     *
     * @return array<int, CheckedContent|FileRejected> by file id
     */
    public static function readOthers(array $rows, SourceReader $sources): array
    {
        $out = [];
        foreach (self::split($rows)[1] as $row) {
            try {
                $data = '';
                foreach ($sources->blocks($row) as $block) {
                    $data .= $block;
                    if (strlen($data) > ToS3::WHOLE_FILE_MAX) {
                        throw new FileRejected(sprintf('backend %s holds more bytes than ost_file.size (%d); left as it is',
                            $row['bk'], (int) $row['size']));
                    }
                }
                $out[(int) $row['id']] = self::check($row, $data);
            } catch (FileRejected $e) {
                $out[(int) $row['id']] = $e;
            }
        }
        return $out;
    }

    /**
     * @param list<array> $rows rows of files in backend D
     * @return array<int, CheckedContent|FileRejected> by file id, in the order of $rows
     */
    public static function readFromDatabase(array $rows): array
    {
        $contents = DatabaseChunks::readWhole(array_map(function ($row) {
            return (int) $row['id'];
        }, $rows));
        $out = [];
        foreach ($rows as $row) {
            $id = (int) $row['id'];
            $data = $contents[$id];
            unset($contents[$id]);
            try {
                if ($data instanceof FileRejected) {
                    throw $data;
                }
                $out[$id] = self::check($row, $data);
            } catch (FileRejected $e) {
                $out[$id] = $e;
            }
        }
        return $out;
    }

    /** @throws FileRejected */
    private static function check(array $row, string $data): CheckedContent
    {
        $read = ContentDigest::of($data);
        $digest = SourceCheck::verify($row, $read, (string) $row['bk']);
        if ($digest->size() === $read->size()) {
            return new CheckedContent($data, $digest, false);
        }
        return new CheckedContent($data . SourceCheck::DROPPED, $digest, true);
    }
}
