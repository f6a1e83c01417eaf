<?php
/**
 * Deletes the chunks of files moved out of the database: in a reader
 * process (ReaderProcess) while the migration goes on, since deleting
 * InnoDB rows of 500 KiB costs MariaDB about as much time as reading them
 * (bench/README.md, "Migration"), or at once in this process. Batches end in
 * the order given; each carries a token its owner gets back when it is done.
 */

namespace S3Native\Migration;

final class ChunkDeletes
{
    /** @var ReaderProcess|null */
    private $process;
    /** @var list<mixed> tokens of batches asked for, oldest first */
    private $pending = [];
    /** @var list<mixed> tokens of batches done, not taken yet */
    private $done = [];

    public static function here(): self
    {
        return new self(null);
    }

    /** In this reader process, for this one job. */
    public static function in(ReaderProcess $process): self
    {
        return new self($process);
    }

    private function __construct(?ReaderProcess $process)
    {
        $this->process = $process;
    }

    /** @param list<int> $ids files whose chunks go */
    public function delete(array $ids, $token): void
    {
        if ($this->process === null) {
            DatabaseChunks::delete($ids);
            $this->done[] = $token;
            return;
        }
        $this->pending[] = $token;
        try {
            $this->process->askDelete($ids);
        } catch (\RuntimeException $e) {
            $this->lost();
            throw $e;
        }
    }

    /**
     * Tokens of the batches done since the last call; with $wait, of all.
     *
     * @throws \RuntimeException when the process failed: the batches it had
     *         are not known to be done (they are deleted here from then on)
     */
    public function done(bool $wait): array
    {
        try {
            while ($this->pending && $this->process->deleted($wait) !== null) {
                $this->done[] = array_shift($this->pending);
            }
        } catch (\RuntimeException $e) {
            $this->lost();
            throw $e;
        }
        $done = $this->done;
        $this->done = [];
        return $done;
    }

    public function close(): void
    {
        if ($this->process !== null) {
            $this->process->stop();
            $this->process = null;
        }
    }

    /** The process failed: what it had is forgotten (their journal entries stay), the rest is done here. */
    private function lost(): void
    {
        $this->pending = [];
        $this->close();
    }
}
