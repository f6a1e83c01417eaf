<?php
// S3AttachmentUploadQueue: many whole-body uploads in the background. What
// a migration relies on: every body added comes back exactly once, with the
// tag and key given; what the store confirmed is what putString() reports;
// failures are completions, never lost and never thrown from add(); the
// queue waits for room instead of growing; dropping it cuts no request.

declare(strict_types=1);

final class UploadQueueTest extends S3TestCase
{
    private const THRESHOLD = 5 * 1024 * 1024;

    private ?FaultProxy $proxy = null;

    protected function tearDown(): void
    {
        $this->proxy?->stop();
        $this->proxy = null;
    }

    private static function small(array $overrides = []): S3AttachmentBackend
    {
        return self::backend(['multipart_threshold' => self::THRESHOLD, 'part_size' => self::THRESHOLD] + $overrides);
    }

    /** Completions by tag, each tag seen exactly once. */
    private function byTag(array $completions): array
    {
        $out = [];
        foreach ($completions as $done) {
            $this->assertArrayNotHasKey($done['tag'], $out, "tag {$done['tag']} completed twice");
            $out[$done['tag']] = $done;
        }
        return $out;
    }

    public function test_every_body_is_stored_once_and_reported_as_confirmed(): void
    {
        $b = self::small();
        $bodies = ['empty' => '', 'zero' => '0', 'one' => 'x', 'threshold' => self::bytes(self::THRESHOLD, 't')];
        for ($i = 0; $i < 40; $i++) {
            $bodies["f$i"] = self::bytes(1000 + $i * 7919, "f$i");
        }
        $keys = [];
        $q = $b->createUploadQueue(['jobs' => 6]);
        $collected = [];
        foreach ($bodies as $tag => $data) {
            $keys[$tag] = $this->key($tag);
            $q->add($tag, $keys[$tag], $data, ['content_type' => 'application/x-test']);
            array_push($collected, ...$q->collect());
        }
        array_push($collected, ...$q->drain());
        $this->assertSame(0, $q->pending());
        $done = $this->byTag($collected);
        $this->assertSame(array_keys($bodies), array_values(array_intersect(array_keys($bodies), array_keys($done))));
        $this->assertCount(count($bodies), $done);
        foreach ($bodies as $tag => $data) {
            $d = $done[$tag];
            $this->assertTrue($d['ok'], "$tag: " . ($d['error'] ? $d['error']->getMessage() : ''));
            $this->assertNull($d['error']);
            $this->assertSame($keys[$tag], $d['key']);
            $this->assertSame(strlen($data), $d['size']);
            $this->assertSame(hash('crc32c', $data), $d['checksums']['crc32c'] ?? null, "$tag: the store's CRC32C");
            $this->assertSame($data, $b->read($keys[$tag]), "$tag: the bytes");
            $this->assertSame('application/x-test', $b->head($keys[$tag])['content_type']);
            $b->delete($keys[$tag]);
        }
    }

    public function test_collect_returns_what_has_finished_and_waits_only_when_asked(): void
    {
        $q = self::small()->createUploadQueue(['jobs' => 2]);
        $this->assertSame([], $q->collect(true), 'nothing pending: no wait, nothing returned');
        $key = $this->key();
        $q->add('only', $key, 'bytes');
        $this->assertSame(1, $q->pending());
        $first = $q->collect(true);
        $this->assertCount(1, $first);
        $this->assertSame('only', $first[0]['tag']);
        $this->assertSame(0, $q->pending());
        $this->assertSame([], $q->drain());
        self::small()->delete($key);
    }

    public function test_bad_input_throws_at_once_and_queues_nothing(): void
    {
        $b = self::small();
        $q = $b->createUploadQueue();
        try {
            $q->add('big', $this->key(), str_repeat('a', self::THRESHOLD + 1));
            $this->fail('a body above the multipart threshold was queued');
        } catch (S3AttachmentConfigException $e) {
            $this->assertStringContainsString('createUpload()', $e->getMessage());
        }
        $this->expectExceptionThrown(fn () => $q->add('dots', 'a/../b', 'x'), S3AttachmentConfigException::class);
        $this->expectExceptionThrown(fn () => $q->add('opts', $this->key(), 'x', ['colour' => 'red']),
            S3AttachmentConfigException::class);
        $this->assertSame(0, $q->pending());
        foreach ([['jobs' => 0], ['jobs' => 257], ['max_buffered_bytes' => 1024], ['job' => 4]] as $opts) {
            $this->expectExceptionThrown(fn () => $b->createUploadQueue($opts), S3AttachmentConfigException::class);
        }
    }

    private function expectExceptionThrown(callable $call, string $class): S3AttachmentException
    {
        try {
            $call();
        } catch (S3AttachmentException $e) {
            $this->assertInstanceOf($class, $e);
            return $e;
        }
        $this->fail("no $class thrown");
    }

    public function test_store_failures_come_back_as_typed_completions(): void
    {
        $readOnly = ['access_key_id' => getenv('S3_TEST_READONLY_ACCESS_KEY'),
                     'secret_access_key' => getenv('S3_TEST_READONLY_SECRET_KEY')];
        $q = self::small($readOnly)->createUploadQueue(['jobs' => 3]);
        for ($i = 0; $i < 5; $i++) {
            $q->add("t$i", $this->key("k$i"), "body $i");
        }
        $done = $this->byTag($q->drain());
        $this->assertCount(5, $done);
        foreach ($done as $d) {
            $this->assertFalse($d['ok']);
            $this->assertNull($d['etag']);
            $this->assertSame([], $d['checksums']);
            $this->assertInstanceOf(S3AttachmentAccessDeniedException::class, $d['error']);
            $this->assertSame('AccessDenied', $d['error']->getS3Code());
            $this->assertSame(403, $d['error']->getHttpStatus());
            $this->assertSame('putObject', $d['error']->getOperation());
        }
    }

    public function test_a_body_corrupted_in_transit_fails_and_leaves_no_object(): void
    {
        $this->proxy = new FaultProxy('--flip-body-byte');
        $q = self::small(['endpoint' => $this->proxy->endpoint()])->createUploadQueue(['jobs' => 4]);
        $keys = [];
        for ($i = 0; $i < 4; $i++) {
            $keys[] = $key = $this->key("k$i");
            $q->add("t$i", $key, self::bytes(4096, "c$i"));
        }
        foreach ($q->drain() as $d) {
            $this->assertFalse($d['ok'], 'a corrupted body was reported stored');
            $this->assertInstanceOf(S3AttachmentException::class, $d['error']);
        }
        foreach ($keys as $key) {
            $this->assertNull(self::small()->head($key), "$key: an object is left");
        }
    }

    public function test_add_waits_for_a_free_job(): void
    {
        // Each response held back 0.3 s: with two jobs, the third add()
        // can only start once one of the first two has ended.
        $this->proxy = new FaultProxy('--delay-response', '0.3');
        $b = self::small(['endpoint' => $this->proxy->endpoint()]);
        $q = $b->createUploadQueue(['jobs' => 2]);
        $keys = [$this->key('a'), $this->key('b'), $this->key('c')];
        $this->assertSame(0, $q->add('a', $keys[0], 'a'));
        $this->assertSame(0, $q->add('b', $keys[1], 'b'));
        $this->assertGreaterThanOrEqual(1, $q->add('c', $keys[2], 'c'), 'the third upload started before one ended');
        $this->assertCount(3, $this->byTag($q->drain()));
        foreach ($keys as $key) {
            $b->delete($key);
        }
    }

    public function test_add_waits_for_buffer_room(): void
    {
        $this->proxy = new FaultProxy('--delay-response', '0.3');
        $b = self::small(['endpoint' => $this->proxy->endpoint()]);
        // Room for one 3 MiB body only, however many jobs.
        $q = $b->createUploadQueue(['jobs' => 16, 'max_buffered_bytes' => self::THRESHOLD]);
        $keys = [$this->key('a'), $this->key('b')];
        $this->assertSame(0, $q->add('a', $keys[0], self::bytes(3 << 20, 'a')));
        $this->assertSame(1, $q->add('b', $keys[1], self::bytes(3 << 20, 'b')), 'both bodies were held at once');
        $this->assertCount(2, $this->byTag($q->drain()));
        foreach ($keys as $key) {
            $b->delete($key);
        }
    }

    public function test_dropping_the_queue_lets_uploads_in_flight_finish(): void
    {
        $this->proxy = new FaultProxy('--delay-response', '0.3');
        $q = self::small(['endpoint' => $this->proxy->endpoint()])->createUploadQueue(['jobs' => 4]);
        $keys = [];
        for ($i = 0; $i < 3; $i++) {
            $keys[] = $key = $this->key("k$i");
            $q->add("t$i", $key, "body $i");
        }
        unset($q);
        foreach ($keys as $i => $key) {
            $this->assertSame("body $i", self::small()->read($key), 'an upload in flight was cut when the queue was dropped');
            self::small()->delete($key);
        }
    }

    public function test_a_fork_child_cannot_use_its_parents_queue(): void
    {
        $this->assertTrue(function_exists('pcntl_fork'), 'pcntl is needed for this test');
        $q = self::small()->createUploadQueue();
        $pid = pcntl_fork();
        if ($pid === 0) {
            try {
                $q->add('child', 'child-key', 'x');
                exit(3);
            } catch (S3AttachmentException $e) {
                exit(str_contains($e->getMessage(), 'another process') ? 0 : 4);
            }
        }
        pcntl_waitpid($pid, $status);
        $this->assertSame(0, pcntl_wexitstatus($status), 'the child was not refused (3) or refused for another reason (4)');
        $this->assertSame(0, $q->pending());
    }
}
