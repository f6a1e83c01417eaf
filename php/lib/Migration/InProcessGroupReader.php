<?php
/**
 * Groups of small files read in the migration's own process, one when it is
 * asked for: the cron batch's way (no process to start from a web request),
 * and the command's when reader processes cannot start.
 */

namespace S3Native\Migration;

final class InProcessGroupReader implements GroupReader
{
    /** @var SourceReader */
    private $sources;

    public function __construct(SourceReader $sources)
    {
        $this->sources = $sources;
    }

    public function read(iterable $groups): \Generator
    {
        foreach ($groups as $rows) {
            yield [$rows, SmallFiles::read($rows, $this->sources)];
        }
    }

    public function close(): void
    {
    }
}
