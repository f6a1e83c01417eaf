<?php
/**
 * Groups of small files read by reader processes (ReaderProcess), so that
 * reading the database and checking every byte (osTicket's signature: a
 * SHA-1 and an MD5 of each file) run on other cores, a few groups ahead,
 * while the migration's own process uploads and switches. Group k goes to
 * reader k mod N; each reader holds one group asked for beyond the one
 * being taken, so N readers work N groups ahead. Files of backends other
 * than D are read in the migration's process, through osTicket.
 *
 * Memory: a reader works on one group at a time, held twice while it is
 * read (the query's buffer and the files' bytes): at most 2 ×
 * (RunControl::groupBytes + ToS3::WHOLE_FILE_MAX), 48 MiB, over its boot;
 * the migration's process takes one group at a time, as when it reads
 * alone.
 */

namespace S3Native\Migration;

final class ReaderProcesses implements GroupReader
{
    /** @var list<ReaderProcess> */
    private $readers;
    /** @var SourceReader */
    private $sources;

    /** @param list<ReaderProcess> $readers started (ReaderProcess::startMany) */
    public function __construct(array $readers, SourceReader $sources)
    {
        $this->readers = $readers;
        $this->sources = $sources;
    }

    public function read(iterable $groups): \Generator
    {
        $next = (function () use ($groups) {
            yield from $groups;
        })();
        $asked = [];
        $k = 0;
        $failed = false;
        try {
            while (true) {
                // Each reader one group ahead of the one taken next.
                for (; count($asked) <= count($this->readers) && $next->valid(); $next->next()) {
                    $this->reader($k + count($asked))->ask(self::fromDatabase($next->current()));
                    $asked[] = $next->current();
                }
                if (!$asked) {
                    return;
                }
                $rows = array_shift($asked);
                $files = $this->take($k++, $rows);
                yield [$rows, $files];
            }
        } catch (\Throwable $e) {
            $failed = true;
            throw $e;
        } finally {
            // A caller that stopped early: what was asked for is read and
            // dropped, so each reader answers the next call in step.
            while (!$failed && $asked) {
                $this->take($k++, array_shift($asked));
            }
        }
    }

    public function close(): void
    {
        foreach ($this->readers as $reader) {
            $reader->stop();
        }
        $this->readers = [];
    }

    /** @return array<int, CheckedContent|FileRejected> by file id, in the order of $rows */
    private function take(int $k, array $rows): array
    {
        $fromDatabase = $this->reader($k)->take(self::fromDatabase($rows));
        $others = SmallFiles::read(array_values(array_filter($rows, function ($row) {
            return $row['bk'] !== 'D';
        })), $this->sources);
        $out = [];
        foreach ($rows as $row) {
            $id = (int) $row['id'];
            $out[$id] = $fromDatabase[$id] ?? $others[$id];
        }
        return $out;
    }

    private function reader(int $k): ReaderProcess
    {
        if (!$this->readers) {
            throw new \LogicException('ReaderProcesses: read() after close()');
        }
        return $this->readers[$k % count($this->readers)];
    }

    /** @return list<array> */
    private static function fromDatabase(array $rows): array
    {
        return array_values(array_filter($rows, function ($row) {
            return $row['bk'] === 'D';
        }));
    }
}
