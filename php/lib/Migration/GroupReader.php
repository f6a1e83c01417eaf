<?php
/**
 * Where the migration gets the bytes of its groups of small files, read
 * whole and checked (SmallFiles): in its own process (InProcessGroupReader)
 * or in reader processes that work a few groups ahead while the migration
 * uploads and switches (ReaderProcesses).
 */

namespace S3Native\Migration;

interface GroupReader
{
    /**
     * @param iterable<list<array>> $groups groups of ost_file rows, taken from it as reading needs them
     * @return \Generator<int, array{0: list<array>, 1: array<int, CheckedContent|FileRejected>}> each group's
     *         rows and its files by id, in the order given; a caller may stop taking at any group
     */
    public function read(iterable $groups): \Generator;

    /** Ends what reading needs (processes): called once, when the migration ends. */
    public function close(): void;
}
