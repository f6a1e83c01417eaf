<?php
declare(strict_types=1);

/**
 * Faults a real deployment meets, injected by a TCP proxy in front of the
 * local server. After each failure: a typed exception, no object and no
 * open multipart upload under the key, stored data unchanged, and a retry
 * that succeeds.
 */
final class FaultsTest extends S3TestCase
{
    private const PART = 5 * self::MIB;

    private static function through(FaultProxy $proxy, array $extra = []): S3AttachmentBackend
    {
        return self::backend(array_merge(['endpoint' => $proxy->endpoint(), 'part_size' => self::PART,
            'multipart_threshold' => self::PART, 'max_concurrency' => 2], $extra));
    }

    private function assertNothingLeftUnder(string $key): void
    {
        $direct = self::backend();
        $this->assertNull($direct->head($key), 'no object, and no half object, under the key');
        $this->assertSame(0, open_multipart_uploads($direct->objectKey($key)), 'no multipart upload left open');
    }

    public function test_server_that_never_answers_fails_within_the_operation_timeout(): void
    {
        $proxy = new FaultProxy('--blackhole', '--faults', '1000');
        $started = microtime(true);
        try {
            self::through($proxy, ['operation_timeout' => 2, 'max_attempts' => 3])->putString($this->key(), 'x');
            $this->fail('no exception');
        } catch (S3AttachmentNetworkException $e) {
            $this->assertStringContainsString('operation_timeout', $e->getMessage());
        }
        $elapsed = microtime(true) - $started;
        $this->assertGreaterThan(1.5, $elapsed);
        $this->assertLessThan(4, $elapsed, 'operation_timeout bounds all attempts together');
    }

    public function test_reset_in_the_middle_of_a_single_put_fails_cleanly_without_retries(): void
    {
        $proxy = new FaultProxy('--reset-after', '100000', '--faults', '1000');
        $key = $this->key();
        try {
            self::through($proxy, ['max_attempts' => 1])->putString($key, self::bytes(1 * self::MIB));
            $this->fail('no exception');
        } catch (S3AttachmentNetworkException $e) {
        }
        $this->assertNothingLeftUnder($key);
        $this->assertSame(self::MIB, self::backend()->putString($key, self::bytes(self::MIB))['size'], 'retry succeeds');
    }

    public function test_reset_in_the_middle_of_a_single_put_is_retried(): void
    {
        $proxy = new FaultProxy('--reset-after', '100000', '--faults', '1');
        $key = $this->key();
        $data = self::bytes(2 * self::MIB);
        $result = self::through($proxy)->putString($key, $data);
        $this->assertSame(hash('crc32c', $data), $result['checksums']['crc32c']);
        $this->assertSame(1, $proxy->stop()['faults']);
        $this->assertSame($data, self::backend()->read($key));
    }

    public function test_reset_in_the_middle_of_a_part_is_retried_and_the_object_is_exact(): void
    {
        // The first connection carries CreateMultipartUpload and part 1.
        $proxy = new FaultProxy('--reset-after', (string) (self::PART + 300000), '--faults', '1');
        $key = $this->key();
        $data = self::bytes(3 * self::PART + 11);
        $result = self::through($proxy)->putString($key, $data);
        $this->assertSame(strlen($data), $result['size']);
        // Both first connections may be cut: two parts go up at once.
        $this->assertGreaterThanOrEqual(1, $proxy->stop()['faults']);
        $this->assertSame(md5($data), md5(self::backend()->read($key)));
        $this->assertSame(0, open_multipart_uploads(self::backend()->objectKey($key)));
    }

    public function test_multipart_upload_that_keeps_failing_is_aborted(): void
    {
        $proxy = new FaultProxy('--reset-after', (string) (self::PART / 2), '--faults', '1000');
        $key = $this->key();
        $b = self::through($proxy, ['max_attempts' => 2]);
        $upload = null;
        try {
            $upload = $b->createUpload($key);
            $upload->write(self::bytes(3 * self::PART));
            $upload->finish();
            $this->fail('no exception');
        } catch (S3AttachmentNetworkException $e) {
        }
        unset($upload);
        $proxy->stop();
        $this->assertNothingLeftUnder($key);
    }

    public function test_reset_between_parts_is_survived(): void
    {
        $proxy = new FaultProxy('--reset-after-response', '--faults', '3');
        $key = $this->key();
        $data = self::bytes(4 * self::PART + 5);
        $result = self::through($proxy)->putString($key, $data);
        $this->assertSame(hash('crc32c', $data), $result['checksums']['crc32c']);
        $this->assertGreaterThan(0, $proxy->stop()['faults']);
        $this->assertSame(md5($data), md5(self::backend()->read($key)));
    }

    public function test_a_connection_the_store_closed_while_idle_is_not_reused(): void
    {
        // The proxy resets every connection right after its response, as a
        // store's keep-alive timeout does while the process is between
        // calls. With one attempt per request, no retry can hide a request
        // sent on the dead connection.
        $proxy = new FaultProxy('--reset-after-response', '--faults', '1000');
        $b = self::through($proxy, ['max_attempts' => 1]);
        $key = $this->key();
        $data = self::bytes(300_000);
        $steps = [
            'put' => fn () => $b->putString($key, $data)['size'],
            'head' => fn () => $b->head($key)['size'],
            'range read' => fn () => strlen($b->read($key, 1000, 5000)),
            'streamed read' => function () use ($b, $key) {
                $reader = $b->openRead($key);
                $n = 0;
                while (($s = $reader->read(8192)) !== '') {
                    $n += strlen($s);
                }
                return $n;
            },
            'read after a stream' => fn () => strlen($b->read($key)),
            'delete' => fn () => $b->delete($key) ? 1 : 0,
        ];
        $done = [];
        foreach ($steps as $name => $step) {
            // The proxy resets 50 ms after the response; wait well past that,
            // so the reset reaches the client while it is idle (a release build
            // is back here within those 50 ms, and raced the reset).
            usleep(250_000);
            $done[$name] = $step();
        }
        $this->assertSame(['put' => 300_000, 'head' => 300_000, 'range read' => 5000, 'streamed read' => 300_000,
            'read after a stream' => 300_000, 'delete' => 1], $done);
        $this->assertGreaterThanOrEqual(5, $proxy->stop()['faults'], 'the connections were reset');
    }

    /** @dataProvider transientStatuses */
    public function test_transient_server_errors_are_retried_with_backoff(int $status): void
    {
        $proxy = new FaultProxy('--http-status', (string) $status, '--faults', '2');
        $key = $this->key();
        $result = self::through($proxy, ['max_attempts' => 4])->putString($key, 'after the storm');
        $this->assertSame(15, $result['size']);
        $this->assertSame(2, $proxy->stop()['faults']);
        $this->assertSame('after the storm', self::backend()->read($key));
    }

    public static function transientStatuses(): array
    {
        return ['500 InternalError' => [500], '503 SlowDown' => [503]];
    }

    public function test_server_errors_beyond_max_attempts_are_reported_with_the_code(): void
    {
        $proxy = new FaultProxy('--http-status', '503', '--faults', '1000');
        $key = $this->key();
        try {
            self::through($proxy, ['max_attempts' => 2])->putString($key, 'x');
            $this->fail('no exception');
        } catch (S3AttachmentException $e) {
            $this->assertStringContainsString('SlowDown', $e->getMessage());
            $this->assertSame(503, $e->getCode());
        }
        $this->assertSame(2, $proxy->stop()['faults'], 'exactly max_attempts tries');
        $this->assertNothingLeftUnder($key);
    }

    public function test_a_failed_overwrite_leaves_the_stored_object_unchanged(): void
    {
        $key = $this->key();
        self::backend()->putString($key, 'the original attachment');
        $proxy = new FaultProxy('--reset-after', '50000', '--faults', '1000');
        try {
            self::through($proxy, ['max_attempts' => 1])->putString($key, self::bytes(self::MIB));
            $this->fail('no exception');
        } catch (S3AttachmentNetworkException $e) {
        }
        $this->assertSame('the original attachment', self::backend()->read($key));
    }

    public function test_download_cut_mid_body_is_a_network_error_not_short_data(): void
    {
        $key = $this->key();
        self::backend()->putString($key, self::bytes(4 * self::MIB));
        $proxy = new FaultProxy('--reset-response-after', (string) self::MIB, '--faults', '1000');
        $this->expectException(S3AttachmentException::class);
        $got = self::through($proxy, ['max_attempts' => 1])->read($key);
        $this->assertSame(4 * self::MIB, strlen($got), 'never a silently short read');
    }

    public function test_multipart_upload_created_after_the_client_gave_up_is_aborted(): void
    {
        // The store creates the upload at once; its answer arrives after
        // operation_timeout, so the client never learns the upload id.
        $proxy = new FaultProxy('--delay-response', '3', '--faults', '1');
        $key = $this->key();
        $b = self::through($proxy, ['operation_timeout' => 1, 'max_attempts' => 1]);
        try {
            $b->putString($key, self::bytes(2 * self::PART));
            $this->fail('no exception');
        } catch (S3AttachmentNetworkException $e) {
        }
        $this->assertSame(1, $proxy->stop()['faults']);
        $this->assertNothingLeftUnder($key);
    }
}
