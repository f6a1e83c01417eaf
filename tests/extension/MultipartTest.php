<?php
declare(strict_types=1);

/**
 * Uploads across the single-PUT / multipart line, with the smallest part
 * size S3 allows so the boundaries are cheap to reach.
 */
final class MultipartTest extends S3TestCase
{
    private const PART = 5 * self::MIB;

    private static function multipartBackend(): S3AttachmentBackend
    {
        return self::backend(['part_size' => self::PART, 'multipart_threshold' => self::PART, 'max_concurrency' => 3]);
    }

    /** @dataProvider boundarySizes */
    public function test_sizes_at_part_boundaries_round_trip(int $size): void
    {
        $b = self::multipartBackend();
        $data = self::bytes($size, "size$size");
        $key = $this->key();
        $upload = $b->createUpload($key);
        foreach (str_split($data, 131072) as $block) {
            $this->assertSame(strlen($block), $upload->write($block));
        }
        $result = $upload->finish();
        $this->assertSame($size, $result['size']);
        $this->assertSame(hash('crc32c', $data), $result['checksums']['crc32c']);
        $this->assertSame(md5($data), md5($b->read($key)));
        $this->assertSame($size, $b->head($key)['size']);
    }

    public static function boundarySizes(): array
    {
        $p = self::PART;
        return [
            'part - 1' => [$p - 1], 'part' => [$p], 'part + 1' => [$p + 1],
            'two parts - 1' => [2 * $p - 1], 'two parts' => [2 * $p], 'two parts + 1' => [2 * $p + 1],
        ];
    }

    public function test_multipart_etag_marks_a_multipart_object(): void
    {
        $b = self::multipartBackend();
        $result = $b->putString($this->key(), self::bytes(self::PART + 1));
        $this->assertMatchesRegularExpression('/-2$/', $result['etag']);
    }

    public function test_64_mib_upload_in_osticket_blocks_reads_back_byte_exact(): void
    {
        $b = self::backend(['part_size' => 8 * self::MIB]);
        $key = $this->key();
        $hash = hash_init('sha256');
        $crc = hash_init('crc32c');
        $upload = $b->createUpload($key, ['content_type' => 'application/octet-stream']);
        for ($i = 0; $i < 512; $i++) {
            $block = self::bytes(131072, "block$i");
            hash_update($hash, $block);
            hash_update($crc, $block);
            $upload->write($block);
        }
        $result = $upload->finish();
        $this->assertSame(64 * self::MIB, $result['size']);
        $this->assertSame(hash_final($crc), $result['checksums']['crc32c']);

        $reader = $b->openRead($key);
        $this->assertSame(64 * self::MIB, $reader->size());
        $back = hash_init('sha256');
        while (($chunk = $reader->read(1 << 20)) !== '') {
            hash_update($back, $chunk);
        }
        $this->assertSame(hash_final($hash), hash_final($back));
    }

    public function test_one_big_write_is_split_into_parts(): void
    {
        $b = self::multipartBackend();
        $data = self::bytes(3 * self::PART + 123);
        $key = $this->key();
        $upload = $b->createUpload($key);
        $upload->write($data);
        $this->assertSame(strlen($data), $upload->finish()['size']);
        $this->assertSame(md5($data), md5($b->read($key)));
    }

    public function test_parts_keep_going_while_php_is_slow_to_write_the_next_bytes(): void
    {
        // Parts go up in the background: a producer pausing between writes
        // for longer than operation_timeout, with a part in flight, must
        // not time that part out.
        $b = self::backend(['part_size' => self::PART, 'multipart_threshold' => self::PART, 'operation_timeout' => 1]);
        $data = self::bytes(2 * self::PART + 77);
        $key = $this->key();
        $upload = $b->createUpload($key);
        foreach (str_split($data, self::PART + 1) as $block) {
            $upload->write($block);
            usleep(1_500_000);
        }
        $this->assertSame(strlen($data), $upload->finish()['size']);
        $this->assertSame(md5($data), md5($b->read($key)));
    }

    public function test_abort_leaves_no_object(): void
    {
        $b = self::multipartBackend();
        $key = $this->key();
        $upload = $b->createUpload($key);
        $upload->write(self::bytes(2 * self::PART + 5));
        $this->assertSame(1, open_multipart_uploads($b->objectKey($key)), 'the upload was started');
        $upload->abort();
        $this->assertNull($b->head($key));
        $this->assertSame(0, open_multipart_uploads($b->objectKey($key)), 'the upload was aborted');
    }

    public function test_upload_dropped_without_finish_leaves_no_object(): void
    {
        $b = self::multipartBackend();
        $key = $this->key();
        $upload = $b->createUpload($key);
        $upload->write(self::bytes(2 * self::PART + 5));
        $this->assertSame(1, open_multipart_uploads($b->objectKey($key)), 'the upload was started');
        unset($upload);
        $this->assertNull($b->head($key));
        $this->assertSame(0, open_multipart_uploads($b->objectKey($key)), 'dropping it aborted the upload');
    }

    public function test_small_upload_dropped_without_finish_stores_nothing(): void
    {
        $b = self::backend();
        $key = $this->key();
        $upload = $b->createUpload($key);
        $upload->write('not finished');
        unset($upload);
        $this->assertNull($b->head($key));
        $this->assertSame(0, open_multipart_uploads($b->objectKey($key)), 'no multipart upload was started');
    }

    public function test_write_after_finish_is_refused(): void
    {
        $upload = self::backend()->createUpload($this->key());
        $upload->write('x');
        $upload->finish();
        $this->expectException(S3AttachmentException::class);
        $this->expectExceptionMessage('already finished');
        $upload->write('y');
    }

    public function test_finish_with_no_write_stores_an_empty_object(): void
    {
        $b = self::backend();
        $key = $this->key();
        $result = $b->createUpload($key)->finish();
        $this->assertSame(0, $result['size']);
        $this->assertSame(0, $b->head($key)['size']);
    }

    public function test_failed_upload_cannot_be_continued(): void
    {
        $b = self::backend(['endpoint' => 'http://127.0.0.1:1', 'max_attempts' => 1]);
        $upload = $b->createUpload($this->key());
        $upload->write('x');
        try {
            $upload->finish();
            $this->fail('finish succeeded against a closed port');
        } catch (S3AttachmentNetworkException $e) {
        }
        $this->expectExceptionMessage('failed earlier');
        $upload->write('y');
    }
}
