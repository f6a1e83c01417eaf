<?php
declare(strict_types=1);

final class ReadTest extends S3TestCase
{
    private static string $key;
    private static string $data;

    public static function setUpBeforeClass(): void
    {
        self::$data = self::bytes(1 << 20, 'read');
        self::$key = 'shared/' . bin2hex(random_bytes(4));
        self::backend()->putString(self::$key, self::$data);
    }

    public function test_ranged_read(): void
    {
        $b = self::backend();
        $this->assertSame(substr(self::$data, 1000, 131072), $b->read(self::$key, 1000, 131072));
        $this->assertSame(substr(self::$data, 0, 1), $b->read(self::$key, 0, 1));
        $this->assertSame(substr(self::$data, -10), $b->read(self::$key, (1 << 20) - 10));
    }

    public function test_range_past_the_end_is_cut_at_the_end(): void
    {
        $this->assertSame(substr(self::$data, -5), self::backend()->read(self::$key, (1 << 20) - 5, 100));
    }

    public function test_read_at_or_past_the_end_is_empty(): void
    {
        $b = self::backend();
        $this->assertSame('', $b->read(self::$key, 1 << 20));
        $this->assertSame('', $b->read(self::$key, (1 << 20) + 100));
        $this->assertSame('', $b->read(self::$key, 5, 0));
    }

    public function test_negative_offset_or_length_is_refused(): void
    {
        $b = self::backend();
        try {
            $b->read(self::$key, -1);
            $this->fail('negative offset accepted');
        } catch (S3AttachmentConfigException $e) {
            $this->assertStringContainsString('offset must be 0 or more', $e->getMessage());
        }
        $this->expectException(S3AttachmentConfigException::class);
        $b->read(self::$key, 0, -2);
    }

    public function test_reader_returns_exact_chunks_then_empty(): void
    {
        $reader = self::backend()->openRead(self::$key);
        $this->assertSame(1 << 20, $reader->size());
        $got = '';
        $lengths = [];
        while (($chunk = $reader->read(100000)) !== '') {
            $lengths[] = strlen($chunk);
            $got .= $chunk;
        }
        $this->assertSame(self::$data, $got);
        $this->assertSame(array_fill(0, 10, 100000), array_slice($lengths, 0, 10));
        $this->assertSame((1 << 20) % 100000, end($lengths));
        $this->assertSame('', $reader->read(), 'still empty after the end');
    }

    public function test_reader_from_offset_reports_the_whole_size(): void
    {
        $reader = self::backend()->openRead(self::$key, 1000);
        $this->assertSame(1 << 20, $reader->size());
        $this->assertSame(substr(self::$data, 1000, 10), $reader->read(10));
    }

    public function test_reader_default_chunk_is_64_kib(): void
    {
        $this->assertSame(65536, strlen(self::backend()->openRead(self::$key)->read()));
    }

    public function test_reader_refuses_a_zero_length(): void
    {
        $this->expectException(S3AttachmentConfigException::class);
        self::backend()->openRead(self::$key)->read(0);
    }

    public function test_passthru_goes_through_php_output(): void
    {
        ob_start();
        $sent = self::backend()->passthru(self::$key);
        $out = ob_get_clean();
        $this->assertSame(1 << 20, $sent);
        $this->assertSame(self::$data, $out);
    }

    public function test_passthru_of_a_range(): void
    {
        ob_start();
        $sent = self::backend()->passthru(self::$key, 10, 20);
        $out = ob_get_clean();
        $this->assertSame(20, $sent);
        $this->assertSame(substr(self::$data, 10, 20), $out);
    }

    public function test_passthru_reaches_an_output_callback_chunk_by_chunk(): void
    {
        $calls = 0;
        $length = 0;
        ob_start(function (string $buffer) use (&$calls, &$length): string {
            $calls++;
            $length += strlen($buffer);
            return '';
        }, 65536);
        self::backend()->passthru(self::$key);
        ob_end_clean();
        $this->assertSame(1 << 20, $length);
        $this->assertGreaterThan(1, $calls, 'streamed in chunks, not buffered whole');
    }

    public function test_passthru_of_missing_object_outputs_nothing(): void
    {
        ob_start();
        try {
            self::backend()->passthru('missing/' . bin2hex(random_bytes(4)));
            $this->fail('no exception');
        } catch (S3AttachmentNotFoundException $e) {
            $this->assertSame('', ob_get_contents());
        } finally {
            ob_end_clean();
        }
    }
}
