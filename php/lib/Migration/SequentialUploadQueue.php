<?php
/**
 * The upload queue's interface (S3AttachmentBackend::createUploadQueue(),
 * extension 0.2+) over putString(), one upload at a time, for an older
 * extension: the migration works the same, only without parallel uploads.
 */

namespace S3Native\Migration;

final class SequentialUploadQueue
{
    /** @var \S3AttachmentBackend */
    private $backend;
    /** @var list<array<string, mixed>> */
    private $done = [];

    public function __construct(\S3AttachmentBackend $backend)
    {
        $this->backend = $backend;
    }

    /** Opens the extension's queue when it has one, else this. */
    public static function open(\S3AttachmentBackend $backend, int $jobs, int $maxBufferedBytes)
    {
        if (method_exists($backend, 'createUploadQueue')) {
            return $backend->createUploadQueue(['jobs' => $jobs, 'max_buffered_bytes' => $maxBufferedBytes]);
        }
        return new self($backend);
    }

    public function add(string $tag, string $key, string $data, ?array $opts = null): int
    {
        try {
            $stored = $this->backend->putString($key, $data, $opts);
            $this->done[] = ['tag' => $tag, 'key' => $key, 'ok' => true, 'size' => (int) $stored['size'],
                'etag' => $stored['etag'] ?? null, 'checksums' => $stored['checksums'] ?? [], 'error' => null];
        } catch (\S3AttachmentConfigException $e) {
            throw $e; // a bad key or option: the queue throws these at once too
        } catch (\S3AttachmentException $e) {
            $this->done[] = ['tag' => $tag, 'key' => $key, 'ok' => false, 'size' => 0, 'etag' => null,
                'checksums' => [], 'error' => $e];
        }
        return count($this->done);
    }

    public function collect(bool $wait = false): array
    {
        $done = $this->done;
        $this->done = [];
        return $done;
    }

    public function drain(): array
    {
        return $this->collect(true);
    }

    public function pending(): int
    {
        return count($this->done);
    }
}
