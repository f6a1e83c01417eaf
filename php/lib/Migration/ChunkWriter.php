<?php
/**
 * Writes one file into ost_file_chunk as osTicket's backend D lays it out:
 * chunk ids from 0, every chunk CHUNK_SIZE bytes but the last. Blocks of
 * any size go in; at most one chunk is held in memory.
 */

namespace S3Native\Migration;

final class ChunkWriter
{
    /** @var int */
    private $fileId;
    /** @var int */
    private $chunkSize;
    /** @var string */
    private $pending = '';
    /** @var int */
    private $nextChunk = 0;

    public function __construct(int $fileId, int $chunkSize)
    {
        $this->fileId = $fileId;
        $this->chunkSize = $chunkSize;
    }

    public function write(string $bytes): void
    {
        $this->pending .= $bytes;
        while (strlen($this->pending) >= $this->chunkSize) {
            $this->insert(substr($this->pending, 0, $this->chunkSize));
            $this->pending = (string) substr($this->pending, $this->chunkSize);
        }
    }

    /** Writes the last, shorter chunk (none for an empty file, as osTicket leaves none). */
    public function finish(): void
    {
        if ($this->pending !== '') {
            $this->insert($this->pending);
            $this->pending = '';
        }
    }

    private function insert(string $chunk): void
    {
        Db::exec('INSERT INTO ' . FILE_CHUNK_TABLE . ' (file_id, chunk_id, filedata) VALUES ('
            . $this->fileId . ', ' . $this->nextChunk . ', ' . '_binary' . Db::quote($chunk) . ')');
        $this->nextChunk++;
    }
}
