<?php
/**
 * Cuts one streaming GET into the chunks osTicket's read() contract asks for.
 *
 * osTicket reads with `while ($block = $backend->read(...))`, so a chunk that
 * is the one-byte string "0" ends the loop as if the file had ended, and the
 * caller (e.g. `manage.php file migrate`) silently drops the rest. The
 * database backend, as a migration target, also stores each block with a
 * `while ($piece = substr(...))` loop that drops a trailing "0" piece.
 *
 * So this reader never hands out "0" and never leaves a lone "0" as the last
 * chunk: when the data after a full chunk would be exactly "0", the chunk is
 * cut one byte short, and the last chunk becomes two bytes. A chunk is never
 * longer than asked, except for asked sizes of one or two bytes.
 * Only an object whose entire content is "0" cannot be delivered; next()
 * returns "0" then and the caller must treat it as an error.
 */

namespace S3Native;

final class ChunkReader
{
    /** @var object with read(int $length): string, '' at the end */
    private $source;
    /** @var string bytes read ahead from the source */
    private $buffer = '';
    /** @var bool the source has returned '' */
    private $eof = false;
    /** @var int bytes handed out so far */
    private $delivered = 0;

    /** @param object $source e.g. \S3AttachmentReader */
    public function __construct($source)
    {
        $this->source = $source;
    }

    /** Bytes handed out so far. */
    public function position(): int
    {
        return $this->delivered;
    }

    /** Discards $count bytes (osTicket's $offset is relative to the current position). */
    public function skip(int $count): void
    {
        while ($count > 0) {
            $this->fill($count);
            if ($this->buffer === '') {
                return;
            }
            $n = min($count, strlen($this->buffer));
            $this->buffer = (string) substr($this->buffer, $n);
            $this->delivered += $n;
            $count -= $n;
        }
    }

    /**
     * The next chunk of at most $amount bytes; '' at the end.
     */
    public function next(int $amount): string
    {
        $amount = max(1, $amount);
        // Three bytes beyond the chunk tell whether what follows it is a lone "0".
        $this->fill($amount + 3);

        $available = strlen($this->buffer);
        if ($available === 0) {
            return '';
        }
        $take = min($amount, $available);
        if ($take === 1 && $this->buffer[0] === '0' && $available > 1) {
            $take = 2; // only possible with amount 1
        }
        if ($this->eof && $available - $take === 1 && $this->buffer[$available - 1] === '0') {
            // Leave two bytes for the last chunk rather than "0"; a chunk of
            // one or two bytes takes the "0" along instead.
            $take = $take >= 3 ? $take - 1 : $take + 1;
        }

        $chunk = (string) substr($this->buffer, 0, $take);
        $this->buffer = (string) substr($this->buffer, $take);
        $this->delivered += strlen($chunk);
        return $chunk;
    }

    private function fill(int $wanted): void
    {
        while (!$this->eof && strlen($this->buffer) < $wanted) {
            $bytes = $this->source->read(max(65536, $wanted - strlen($this->buffer)));
            if ($bytes === '' || $bytes === false || $bytes === null) {
                $this->eof = true;
            } else {
                $this->buffer .= $bytes;
            }
        }
    }
}
