<?php
/**
 * Finishes or undoes the moves an earlier run left half-done (killed,
 * store down, database gone), from its Journal entries. Run by every
 * migration (command and cron batch) under the store lock, before it
 * selects anything. For each entry, by where the row is now:
 *   - in the target backend: the switch happened; the source copy is
 *     deleted (chunks, object, or through the other backend's unlink());
 *   - anywhere else (still in the source, moved elsewhere, or deleted): the
 *     switch did not happen, or no longer counts; the copy made for the
 *     target is deleted (the object and any multipart upload still open for
 *     its key, or the chunks written);
 *   - no row at all: nothing refers to either copy: both are deleted.
 * An entry whose clean-up fails stays for the next run.
 */

namespace S3Native\Migration;

use S3Native\Cli\PluginStore;
use S3Native\ObjectKeyResolver;
use S3Native\ObjectLocation;

final class Recovery
{
    /** @var PluginStore */
    private $store;
    /** @var array<string, list<array{key: string, upload_id: string}>> bucket => open multipart uploads */
    private $openUploads = [];
    /** @var list<string> what the admin should know (not failures) */
    private $notes = [];

    public function __construct(PluginStore $store)
    {
        $this->store = $store;
    }

    /**
     * @return array{done: int, left: int, problems: list<string>}
     */
    public function run(): array
    {
        $done = 0;
        $problems = [];
        $entries = Journal::all();
        foreach ($entries as $id => $entry) {
            try {
                $this->recover($id, $entry);
                Journal::remove([$id]);
                $done++;
            } catch (\Throwable $e) {
                $problems[] = "file $id: the interrupted move could not be cleaned up yet: " . $e->getMessage();
            }
        }
        return ['done' => $done, 'left' => count($entries) - $done, 'problems' => array_merge($problems, $this->notes)];
    }

    private function recover(int $id, array $entry): void
    {
        $row = Db::row('SELECT id, bk, `key`, name, type, size, signature, attrs, created FROM ' . FILE_TABLE
            . " WHERE id = $id");
        $from = (string) ($entry['from'] ?? '');
        $to = (string) ($entry['to'] ?? '');
        if ($row === null) {
            $this->deleteCopy($id, 'D', $entry, null);
            $this->deleteCopy($id, ObjectKeyResolver::BACKEND_CHAR, $entry, null);
            return;
        }
        if ($row['bk'] === $to) {
            $this->deleteCopy($id, $from, $entry, $row);
            if ($to === ObjectKeyResolver::BACKEND_CHAR) {
                // Moved to S3 by someone else meanwhile, to another place:
                // the copy this run made is nobody's (deleteCopy keeps the row's own).
                $this->deleteCopy($id, $to, $entry, $row);
            }
            return;
        }
        $this->deleteCopy($id, $to, $entry, $row);
    }

    /** Deletes the copy of file $id in $backend that the entry describes. */
    private function deleteCopy(int $id, string $backend, array $entry, ?array $row): void
    {
        if ($backend === 'D') {
            DatabaseChunks::delete([$id]);
            return;
        }
        if ($backend === ObjectKeyResolver::BACKEND_CHAR) {
            $bucket = (string) ($entry['bucket'] ?? '');
            $object = (string) ($entry['object'] ?? '');
            if ($bucket === '' || $object === '') {
                return;
            }
            if ($row !== null && $row['bk'] === ObjectKeyResolver::BACKEND_CHAR) {
                // The row is in S3 now: never delete the object it points to.
                foreach ($this->store->candidateLocations($row) as $location) {
                    if ($location->bucket === $bucket && $location->objectKey() === $object) {
                        return;
                    }
                }
            }
            $s3 = $this->store->backend(new ObjectLocation($bucket, '', $object));
            $this->abortOpenUploads($s3, $bucket, $object, !empty($entry['multipart']));
            $s3->delete($object);
            return;
        }
        // Another backend (a filesystem plugin…): its own unlink(), seeing the row as it was there.
        if ($row !== null) {
            SourceReader::unlinkOther(['bk' => $backend, 'attrs' => $entry['attrs'] ?? null] + $row);
        }
    }

    /**
     * Aborts the multipart uploads still open for this key (left by a
     * process killed mid-upload). Without s3:ListBucketMultipartUploads the
     * store refuses the listing: said once; the bucket's lifecycle rule for
     * incomplete uploads removes them then.
     */
    private function abortOpenUploads(\S3AttachmentBackend $s3, string $bucket, string $object, bool $multipart): void
    {
        if (!$multipart || !method_exists($s3, 'listIncompleteUploads')) {
            return;
        }
        if (!isset($this->openUploads[$bucket])) {
            try {
                $this->openUploads[$bucket] = $s3->listIncompleteUploads();
            } catch (\S3AttachmentAccessDeniedException $e) {
                $this->openUploads[$bucket] = [];
                $this->notes[] = "an interrupted multipart upload in bucket $bucket could not be looked for (the store "
                    . 'refused to list them: grant s3:ListBucketMultipartUploads, or let a lifecycle rule for '
                    . 'incomplete multipart uploads remove it): ' . $e->getMessage();
            }
        }
        foreach ($this->openUploads[$bucket] as $upload) {
            if ($upload['key'] !== $object) {
                continue;
            }
            try {
                $s3->abortIncompleteUpload($upload['key'], $upload['upload_id']);
            } catch (\S3AttachmentAccessDeniedException $e) {
                $this->notes[] = "the interrupted multipart upload of $bucket/$object could not be aborted (grant "
                    . 's3:AbortMultipartUpload, or let a lifecycle rule for incomplete multipart uploads remove it): '
                    . $e->getMessage();
            }
        }
    }
}
