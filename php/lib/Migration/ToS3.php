<?php
/**
 * Moves files into backend 3 (this plugin's S3 store).
 *
 * Files up to WHOLE_FILE_MAX are read whole and checked a group at a time
 * (database files in one query per group), by reader processes working
 * ahead (ReaderProcesses, RunControl::readerProcesses) or in this process
 * (InProcessGroupReader), and handed to the extension's upload queue, which
 * keeps up to `jobs` PUTs in flight on its own threads. Larger files then
 * stream through one multipart upload each, window by window, while the
 * queue keeps working. Memory of this process: one group (RunControl's
 * groupBytes, 8 MiB, plus one file of at most 16 MiB, held twice while it
 * is read) + what the queue buffers (queueBytes, 32 MiB) + one window of a
 * large file (8 MB) + the extension's multipart buffer (16 MiB), whatever
 * the sizes of the files (measured: 88 MiB over the process's start); the
 * readers' own is in ReaderProcesses.
 *
 * A file is switched only after (1) its bytes matched ost_file.size and
 * ost_file.signature while read, and (2) the store confirmed the CRC32C of
 * exactly those bytes (or the MD5 of a single PUT; without either, the
 * object is read back). Then `UPDATE … WHERE id AND bk = <source>` switches
 * it, and only then is the source copy deleted. Every step is journaled
 * (Journal) so a kill at any instant is finished or undone by the next run.
 */

namespace S3Native\Migration;

use S3Native\Cli\PluginStore;
use S3Native\ErrorAdvisor;
use S3Native\ObjectKeyResolver;
use S3Native\ObjectLocation;

final class ToS3
{
    /** The extension's default multipart threshold: larger files go multipart, not through the queue. */
    const WHOLE_FILE_MAX = 16 << 20;
    /** Files read in one query. */
    const GROUP_FILES = 256;
    /** Rows fetched per selection query. */
    const PAGE = 1000;
    /** After this many store failures in a row the run stops: the store is down or refusing. */
    const STORE_FAILURES_TO_STOP = 8;

    /** @var PluginStore */
    private $store;
    /** @var Report */
    private $report;
    /** @var RunControl */
    private $control;
    /** @var SourceReader */
    private $reader;
    /** @var GroupReader */
    private $groups;
    /** @var list<array> rows of files above WHOLE_FILE_MAX, selected and not moved yet */
    private $large = [];
    /** @var \S3AttachmentBackend */
    private $backend;
    /** @var \S3AttachmentUploadQueue */
    private $queue;
    /** @var array<int, array{row: array, digest: ContentDigest, key: string}> queued, not completed */
    private $inFlight = [];
    /** @var S3Switch the rows of confirmed copies, switched a batch at a time */
    private $switch;
    /** @var int */
    private $storeFailuresInARow = 0;

    public function __construct(PluginStore $store, Report $report, RunControl $control)
    {
        $this->store = $store;
        $this->report = $report;
        $this->control = $control;
        $this->reader = new SourceReader($store);
        $this->backend = $store->configuredBackend();
    }

    public function run(Selection $selection): void
    {
        $this->queue = $this->backend->createUploadQueue(['jobs' => $this->control->jobs,
            'max_buffered_bytes' => $this->control->queueBytes]);
        [$this->groups, $chunks] = $this->readers();
        $settings = $this->store->settings();
        $this->switch = new S3Switch($this->report, $this->backend,
            (new ObjectLocation($settings->bucket, $settings->folder, ''))->attrs(), $chunks);
        try {
            foreach ($this->groups->read($this->groupsOf($selection)) as [$rows, $files]) {
                if ($this->control->shouldStop($this->report)) {
                    break;
                }
                if (!$rows) {
                    // A page ends (groupsOf() ends every page, the last one
                    // too, with an empty group): its large files move now,
                    // so they never pile up.
                    while ($this->large && !$this->control->shouldStop($this->report)) {
                        $this->nextLarge();
                    }
                    continue;
                }
                $this->smallGroup($rows, $files);
                // One large file after each group: the queue keeps uploading
                // what it holds while this process streams the large one.
                $this->nextLarge();
            }
            $this->complete($this->queue->drain());
            $this->settle();
        } finally {
            // Whatever happened, what was verified is switched and recorded.
            try {
                $this->settle();
                $this->switch->waitForDeletes();
            } finally {
                $this->groups->close();
                $chunks->close();
            }
        }
    }

    /**
     * Reader processes when asked for and they start, and one more to delete
     * the chunks of moved files meanwhile; else this process does both.
     *
     * @return array{0: GroupReader, 1: ChunkDeletes}
     */
    private function readers(): array
    {
        $count = $this->control->readerProcesses;
        if ($count > 0) {
            try {
                $processes = ReaderProcess::startMany($count + 1, ROOT_DIR);
                $deleter = array_pop($processes);
                return [new ReaderProcesses($processes, $this->reader), ChunkDeletes::in($deleter)];
            } catch (\RuntimeException $e) {
                $this->report->notes[] = 'the database was read, and the chunks of moved files deleted, by this '
                    . 'process alone: its reader processes did not start (' . $e->getMessage() . ')';
            }
        }
        return [new InProcessGroupReader($this->reader), ChunkDeletes::here()];
    }

    /**
     * The selected files of at most WHOLE_FILE_MAX in groups, page after
     * page of the selection, as the group reader asks for them, each page
     * ending with an empty group; the larger ones are set aside in $large.
     *
     * @return \Generator<int, list<array>>
     */
    private function groupsOf(Selection $selection): \Generator
    {
        foreach ($selection->pages(self::PAGE) as $rows) {
            $group = [];
            $groupBytes = 0;
            foreach ($rows as $row) {
                if ((int) $row['size'] > self::WHOLE_FILE_MAX) {
                    $this->large[] = $row;
                    continue;
                }
                $group[] = $row;
                $groupBytes += (int) $row['size'];
                if ($groupBytes >= $this->control->groupBytes || count($group) >= self::GROUP_FILES) {
                    yield $group;
                    $group = [];
                    $groupBytes = 0;
                }
            }
            if ($group) {
                yield $group;
            }
            yield [];
        }
    }

    /** Moves the next file set aside as large, if any. */
    private function nextLarge(): void
    {
        $row = array_shift($this->large);
        if ($row !== null && !$this->withoutKey($row)) {
            $this->large($row);
        }
    }

    /** A row whose key is empty has no object name: reported failed, true. */
    private function withoutKey(array $row): bool
    {
        if ((string) $row['key'] !== '') {
            return false;
        }
        $this->report->fail($row, 'ost_file.key is empty, so the file has no object name; left as it is');
        return true;
    }

    /**
     * Files of at most WHOLE_FILE_MAX, read whole and checked: queued.
     *
     * @param list<array> $rows
     * @param array<int, CheckedContent|FileRejected> $files their bytes by id, or why not
     */
    private function smallGroup(array $rows, array $files): void
    {
        $rows = array_values(array_filter($rows, function ($row) {
            return !$this->withoutKey($row);
        }));
        if (!$rows) {
            return;
        }
        $entries = [];
        foreach ($rows as $row) {
            $entries[(int) $row['id']] = $this->journalEntry($row, false);
        }
        Journal::add($entries);
        Failpoint::hit('after-journal');

        foreach ($rows as $row) {
            $id = (int) $row['id'];
            $file = $files[$id];
            unset($files[$id]);
            if ($file instanceof FileRejected) {
                $this->reject($row, $file->getMessage(), null);
                continue;
            }
            $digest = $file->digest;
            if ($file->repaired) {
                $row = $this->repaired($row, $digest);
            }
            $key = $this->store->writeLocation($row)->objectKey();
            $this->inFlight[$id] = ['row' => $row, 'digest' => $digest, 'key' => $key];
            try {
                $ready = $this->queue->add((string) $id, $key, $file->data, $this->store->uploadOptions($row));
            } catch (\S3AttachmentException $e) {
                unset($this->inFlight[$id]);
                $this->storeFailure($row, $e, $key);
                continue;
            }
            // The group reader's answer holds the same object: this frees the bytes.
            $file->data = '';
            if ($ready > 0) {
                $this->complete($this->queue->collect(false));
            }
        }
        $this->settle();
    }

    /** One file above WHOLE_FILE_MAX: streamed through a multipart upload. */
    private function large(array $row): void
    {
        Journal::add([(int) $row['id'] => $this->journalEntry($row, true)]);
        $key = $this->store->writeLocation($row)->objectKey();
        $read = new ContentDigest();
        $upload = null;
        try {
            $upload = $this->backend->createUpload($key, $this->store->uploadOptions($row));
            foreach ($this->reader->blocks($row) as $block) {
                $read->update($block);
                $upload->write($block);
                unset($block);
                Failpoint::hit('mid-upload');
                if ($this->queue->pending() > 0) {
                    $this->complete($this->queue->collect(false));
                }
            }
            // The bytes are checked before the upload is completed: a
            // damaged source never becomes an object.
            $digest = SourceCheck::verify($row, $read, (string) $row['bk']);
            if ($digest->size() !== $read->size()) {
                $upload->write(SourceCheck::DROPPED);
                $row = $this->repaired($row, $digest);
            }
            $stored = $upload->finish();
            $upload = null;
        } catch (FileRejected $e) {
            $this->reject($row, $e->getMessage(), null, $this->abort($upload));
            return;
        } catch (\S3AttachmentException $e) {
            $this->storeFailure($row, $e, $key, $this->abort($upload));
            return;
        }
        $this->storeSucceeded($row, $digest, $key, $stored);
        $this->settle();
    }

    /** @param list<array<string, mixed>> $completions from the queue */
    private function complete(array $completions): void
    {
        foreach ($completions as $c) {
            $id = (int) $c['tag'];
            $job = $this->inFlight[$id] ?? null;
            unset($this->inFlight[$id]);
            if ($job === null) {
                continue;
            }
            if (!$c['ok']) {
                $this->storeFailure($job['row'], $c['error'], $job['key']);
                continue;
            }
            $this->storeSucceeded($job['row'], $job['digest'], $job['key'], $c);
        }
        $this->control->progress($this->report);
    }

    /** The store has the object: verify what it confirmed, then queue the switch. */
    private function storeSucceeded(array $row, ContentDigest $digest, string $key, array $stored): void
    {
        $this->storeFailuresInARow = 0;
        $problem = $this->confirmation($digest, $key, $stored);
        if ($problem !== null) {
            $this->reject($row, $problem, $key);
            return;
        }
        $this->switch->add($row, $key);
    }

    /**
     * null when the store's copy is the bytes read, else why not. The
     * store's confirmed CRC32C decides; a single PUT's MD5 otherwise; a
     * store that confirms neither is read back.
     */
    private function confirmation(ContentDigest $digest, string $key, array $stored): ?string
    {
        if ((int) ($stored['size'] ?? -1) !== $digest->size()) {
            return sprintf('the store reports %d bytes stored for %d sent; the object was deleted',
                (int) ($stored['size'] ?? -1), $digest->size());
        }
        $checksums = is_array($stored['checksums'] ?? null) ? $stored['checksums'] : [];
        if (isset($checksums['crc32c'])) {
            return strtolower($checksums['crc32c']) === $digest->crc32c() ? null
                : sprintf('the store confirmed CRC32C %s for bytes whose CRC32C is %s; the object was deleted',
                    $checksums['crc32c'], $digest->crc32c());
        }
        if (isset($checksums['md5'])) {
            return strtolower($checksums['md5']) === $digest->md5() ? null
                : 'the store confirmed an MD5 that is not the one of the bytes sent; the object was deleted';
        }
        try {
            $back = new ContentDigest();
            $reader = $this->backend->openRead($key);
            while (($block = $reader->read(SourceReader::BLOCK)) !== '') {
                $back->update($block);
            }
        } catch (\S3AttachmentException $e) {
            return 'reading the copy back failed (the store confirms no checksum under this "Integrity check" '
                . 'setting): ' . $e->getMessage();
        }
        return $back->size() === $digest->size() && $back->crc32c() === $digest->crc32c() ? null
            : 'the copy read back differs from the bytes sent; the object was deleted';
    }

    private function storeFailure(array $row, $error, string $key, bool $cleanedUp = true): void
    {
        $this->storeFailuresInARow++;
        $reason = $error instanceof \Throwable
            ? ErrorAdvisor::storageFailure($error, 'store', (string) $row['name'],
                $this->store->writeLocation($row), $this->store->settings())
            : 'the store did not take it (no reason given)';
        // A PUT whose answer was lost may have stored the object: delete it.
        $this->reject($row, $reason, $key, $cleanedUp);
        if ($this->storeFailuresInARow >= self::STORE_FAILURES_TO_STOP && $this->report->stopped === null) {
            $this->report->stopped = sprintf('the store refused %d uploads in a row (last: %s); the files not '
                . 'tried yet stay where they are', $this->storeFailuresInARow, $reason);
        }
    }

    /**
     * A file that does not move: reported, its source untouched, its object
     * (if one may exist: $key) deleted. When that clean-up fails the journal
     * entry stays, and the next run finishes it.
     */
    private function reject(array $row, string $reason, ?string $key, bool $cleanedUp = true): void
    {
        $this->report->fail($row, $reason);
        if ($cleanedUp && ($key === null || $this->switch->dropCopy((int) $row['id'], $key))) {
            $this->switch->finish((int) $row['id']);
        }
    }

    /** Switches the confirmed files, deletes their sources, closes their journal entries. */
    private function settle(): void
    {
        $this->switch->settle();
    }

    /**
     * The row of a file whose dropped final "0" is restored: its size is
     * corrected when it is switched.
     */
    private function repaired(array $row, ContentDigest $content): array
    {
        $row['repaired_size'] = $content->size();
        $row['chunk_bytes'] = $content->size() - 1;
        return $row;
    }

    private function journalEntry(array $row, bool $multipart): array
    {
        $location = $this->store->writeLocation($row);
        return ['from' => (string) $row['bk'], 'to' => ObjectKeyResolver::BACKEND_CHAR,
            'bucket' => $location->bucket, 'object' => $location->objectKey(), 'attrs' => $row['attrs'],
            'multipart' => $multipart, 'pid' => getmypid()];
    }

    /** Aborts a multipart upload; false when the store refused (the journal entry then stays for the next run). */
    private function abort($upload): bool
    {
        if ($upload) {
            try {
                $upload->abort();
            } catch (\Throwable $e) {
                return false;
            }
        }
        return true;
    }
}
