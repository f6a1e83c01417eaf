<?php
// Ranged reads through a store that ignores Range (fault_proxy --strip-range:
// every answer is 200 with the whole object). Each read must return exactly
// the bytes asked for, or throw an S3AttachmentException saying the store
// did not honour the range: never the object from byte 0.

declare(strict_types=1);

final class RangeIntegrityTest extends S3TestCase
{
    private const SIZE = 300000;

    private static string $data;
    private static string $key;
    private ?FaultProxy $proxy = null;

    public static function setUpBeforeClass(): void
    {
        self::$data = self::bytes(self::SIZE, 'range-integrity');
        self::$key = 'shared/' . bin2hex(random_bytes(4));
        self::backend()->putString(self::$key, self::$data);
    }

    public static function tearDownAfterClass(): void
    {
        self::backend()->delete(self::$key);
    }

    protected function tearDown(): void
    {
        // Proves the case met a store ignoring Range, not a well-behaved one.
        $stats = $this->proxy?->stop();
        $this->proxy = null;
        $this->assertGreaterThanOrEqual(1, $stats['faults'] ?? 0, 'the proxy stripped no Range header');
    }

    private function throughStore(): S3AttachmentBackend
    {
        $this->proxy = new FaultProxy('--strip-range');
        return self::backend(['endpoint' => $this->proxy->endpoint()]);
    }

    /** $read() returns exactly $expected, or refuses with a message about the range. */
    private function assertExactOrRefused(int $offset, string $expected, callable $read, string $what): void
    {
        try {
            $got = $read();
        } catch (S3AttachmentException $e) {
            // The object's s3:// address names this class; only the rest counts.
            $message = preg_replace('~s3://\S+~', 'OBJECT', $e->getMessage());
            $this->assertMatchesRegularExpression('~range~i', $message,
                "$what: refused, but the message does not say the store ignored the range: $message");
            return;
        }
        if ($got === $expected) {
            $this->addToAssertionCount(1);
            return;
        }
        $from = strpos(self::$data, $got);
        $this->fail(sprintf('%s: asked for %d bytes at offset %d, got %d bytes %s', $what, strlen($expected),
            $offset, strlen($got), $from === false ? 'that are not a slice of the object' : "from offset $from"));
    }

    public function test_read_with_offset_and_length(): void
    {
        $b = $this->throughStore();
        $this->assertExactOrRefused(1000, substr(self::$data, 1000, 5000),
            fn () => $b->read(self::$key, 1000, 5000), 'read(key, 1000, 5000)');
    }

    public function test_read_of_the_first_bytes(): void
    {
        $b = $this->throughStore();
        $this->assertExactOrRefused(0, substr(self::$data, 0, 10),
            fn () => $b->read(self::$key, 0, 10), 'read(key, 0, 10)');
    }

    public function test_read_from_an_offset_to_the_end(): void
    {
        $b = $this->throughStore();
        $this->assertExactOrRefused(200000, substr(self::$data, 200000),
            fn () => $b->read(self::$key, 200000), 'read(key, 200000)');
    }

    public function test_reader_from_an_offset(): void
    {
        $b = $this->throughStore();
        $size = null;
        $this->assertExactOrRefused(70000, substr(self::$data, 70000), function () use ($b, &$size): string {
            $reader = $b->openRead(self::$key, 70000);
            $size = $reader->size();
            $got = '';
            while (($chunk = $reader->read(50000)) !== '') {
                $got .= $chunk;
            }
            return $got;
        }, 'openRead(key, 70000)');
        if ($size !== null) {
            $this->assertSame(self::SIZE, $size, 'size() is the whole object\'s');
        }
    }

    public function test_passthru_of_a_range(): void
    {
        $b = $this->throughStore();
        $expected = substr(self::$data, 150000, 20000);
        $sent = null;
        ob_start();
        try {
            $this->assertExactOrRefused(150000, $expected, function () use ($b, &$sent): string {
                $sent = $b->passthru(self::$key, 150000, 20000);
                return (string) ob_get_contents();
            }, 'passthru(key, 150000, 20000)');
        } finally {
            $output = (string) ob_get_clean();
        }
        // Refusing after sending wrong bytes would still corrupt the download.
        $this->assertTrue(str_starts_with($expected, $output),
            sprintf('passthru sent %d bytes that are not the start of the range', strlen($output)));
        if ($sent !== null) {
            $this->assertSame(20000, $sent, 'passthru() returns the count it sent');
        }
    }
}
