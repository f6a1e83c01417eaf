<?php
/**
 * Groups of small files read by reader processes (ReaderProcess), so that
 * reading the database and checking every byte (osTicket's signature: a
 * SHA-1 and an MD5 of each file) run on other cores, a few groups ahead,
 * while the migration's own process uploads and switches. Group k goes to
 * reader k mod N, once that reader's previous group has been taken, so N
 * readers work N groups ahead. Files of backends other
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
        // Group k goes to reader k mod N, and only once that reader's
        // previous answer has been taken: a reader blocked writing an
        // answer never has a request written to it (pipes may hold 4 KiB).
        for ($k = 0; count($asked) < count($this->readers) && $next->valid(); $next->next(), $k++) {
            $this->reader($k)->ask(self::fromDatabase($next->current()));
            $asked[] = $next->current();
        }
        for ($taken = 0; $asked; $taken++) {
            $rows = array_shift($asked);
            $files = $this->take($taken, $rows);
            if ($next->valid()) {
                $this->reader($k++)->ask(self::fromDatabase($next->current()));
                $asked[] = $next->current();
                $next->next();
            }
            // A caller that stops taking leaves answers unread: close() ends the readers.
            yield [$rows, $files];
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
        $others = SmallFiles::readOthers($rows, $this->sources);
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
        return SmallFiles::split($rows)[0];
    }
}
