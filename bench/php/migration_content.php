<?php
/*
 * The migration scenario's files: their sizes and their bytes, the same on
 * every call from the same seed, so the fill (migration_fill.php) and the
 * upload floor (migration_upload_floor.php) handle exactly the same bytes
 * without keeping them anywhere.
 *
 * Mix (issue 9): a quarter 100 KiB-2 MiB, 0.4 % (at least one) 5-20 MiB
 * (evenly spread, the first 20 MiB: above the multipart threshold), the rest
 * 5-50 KiB, uniform within those ranges, in a shuffled order (big
 * files among the small ones, as a helpdesk's ids are). Bytes: a slice of a
 * 32 MiB AES-CTR keystream (incompressible, made once per process in ~0.1 s)
 * starting at a per-file offset, behind a per-file header line, so no two
 * files are equal (osTicket de-duplicates identical files).
 */

final class MigrationContent
{
    const POOL_BYTES = 32 << 20;
    const SMALL = [5 << 10, 50 << 10];
    const MEDIUM = [100 << 10, 2 << 20];
    const LARGE = [5 << 20, 20 << 20];

    /** @var string */
    private $pool;
    /** @var int[] size of file i */
    public $sizes = [];

    public function __construct(int $count, int $seed)
    {
        mt_srand($seed, MT_RAND_MT19937);
        $large = max(1, (int) round($count * 0.004));
        $medium = intdiv($count, 4);
        $ranges = array_merge(array_fill(0, $large, self::LARGE), array_fill(0, $medium, self::MEDIUM),
            array_fill(0, max(0, $count - $large - $medium), self::SMALL));
        for ($i = count($ranges) - 1; $i > 0; $i--) { // Fisher-Yates, on the seeded generator
            $j = mt_rand(0, $i);
            [$ranges[$i], $ranges[$j]] = [$ranges[$j], $ranges[$i]];
        }
        $nthLarge = 0;
        foreach (array_slice($ranges, 0, $count) as [$min, $max]) {
            // Large sizes are spread evenly up to the maximum: a few random
            // ones could all stay below the 16 MiB multipart threshold.
            $this->sizes[] = $min === self::LARGE[0]
                ? $max - intdiv(($max - $min) * $nthLarge++, $large) : mt_rand($min, $max);
        }
        $this->pool = openssl_encrypt(str_repeat("\0", self::POOL_BYTES), 'aes-128-ctr',
            substr(hash('sha256', "bench-migration-$seed", true), 0, 16), OPENSSL_RAW_DATA, str_repeat("\0", 16));
    }

    /** The bytes of file $i. */
    public function bytes(int $i): string
    {
        $size = $this->sizes[$i];
        $header = sprintf("bench/migration file %05d of %d bytes\n", $i, $size);
        $body = $size - strlen($header);
        $offset = ($i * 7919 * 4099) % (self::POOL_BYTES - $body);
        return substr($header . substr($this->pool, $offset, $body), 0, $size);
    }

    public function name(int $i): string
    {
        return sprintf('bench-%05d.bin', $i);
    }

    public function totalBytes(): int
    {
        return array_sum($this->sizes);
    }
}
