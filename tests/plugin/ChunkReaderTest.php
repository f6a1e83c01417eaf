<?php
/*
 * S3Native\ChunkReader on its own: the chunking rules behind read(), checked
 * exhaustively on small inputs with a source that returns uneven pieces.
 */

use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/../../php/lib/ChunkReader.php';

/** A stream returning at most $piece bytes per read(), '' at the end. */
final class UnevenSource
{
    /** @var string */
    private $data;
    /** @var int */
    private $piece;

    public function __construct(string $data, int $piece)
    {
        $this->data = $data;
        $this->piece = $piece;
    }

    public function read(int $length): string
    {
        $n = min($length, $this->piece);
        $out = (string) substr($this->data, 0, $n);
        $this->data = (string) substr($this->data, $n);
        return $out;
    }
}

class ChunkReaderTest extends TestCase
{
    /** Every string of '0' and 'a' up to 7 bytes, every amount 1..5, pieces 1, 2 and 64 KiB. */
    public function test_chunks_rebuild_data_and_are_never_a_lone_zero(): void
    {
        foreach (self::strings(7) as $data) {
            foreach ([1, 2, 3, 4, 5] as $amount) {
                foreach ([1, 2, 65536] as $piece) {
                    $reader = new S3Native\ChunkReader(new UnevenSource($data, $piece));
                    $out = '';
                    $guard = 0;
                    while (($chunk = $reader->next($amount)) !== '' && $guard++ < 100) {
                        $case = json_encode([$data, $amount, $piece, $chunk]);
                        if ($data !== '0') {
                            $this->assertNotSame('0', $chunk, $case);
                        }
                        $this->assertLessThanOrEqual(max($amount, 3), strlen($chunk), $case);
                        $out .= $chunk;
                    }
                    $this->assertSame($data, $out, json_encode([$data, $amount, $piece]));
                }
            }
        }
    }

    public function test_chunks_are_never_longer_than_asked_from_three_bytes_up(): void
    {
        $reader = new S3Native\ChunkReader(new UnevenSource(str_repeat('x', 20) . '0', 7));

        $sizes = [];
        while (($chunk = $reader->next(10)) !== '') {
            $sizes[] = strlen($chunk);
        }

        $this->assertSame([10, 9, 2], $sizes);
    }

    public function test_skip_discards_bytes_relative_to_position(): void
    {
        $reader = new S3Native\ChunkReader(new UnevenSource('0123456789', 3));

        $this->assertSame('01', $reader->next(2));
        $reader->skip(3);

        $this->assertSame('567', $reader->next(3));
        $this->assertSame(8, $reader->position());
    }

    /** @return string[] */
    private static function strings(int $maxLength): array
    {
        $all = [''];
        $level = [''];
        for ($n = 1; $n <= $maxLength; $n++) {
            $next = [];
            foreach ($level as $prefix) {
                $next[] = $prefix . '0';
                $next[] = $prefix . 'a';
            }
            $all = array_merge($all, $next);
            $level = $next;
        }
        return $all;
    }
}
