<?php
// Multipart uploads whose abort failed (the store went down) are kept by the
// process and tried again, once each, by its next upload; an abort the
// store refuses for good is dropped, not kept forever. `php --ri` shows
// both counts. The store's coming back is a second proxy on the same port.
// The scenario runs in a fork child: a new process starts with an empty
// list, whatever other tests of this process left in theirs.

declare(strict_types=1);

final class PendingAbortsTest extends S3TestCase
{
    private const PART = 5 * 1024 * 1024;

    /** The two counts of `php --ri s3_attachments` in this process. */
    private static function counts(): array
    {
        ob_start();
        (new ReflectionExtension('s3_attachments'))->info();
        $info = (string) ob_get_clean();
        $count = function (string $row) use ($info): int {
            if (!preg_match('/' . preg_quote($row, '/') . '\s*=>\s*(\d+)/', $info, $m)) {
                throw new RuntimeException("no \"$row\" in the extension's info: $info");
            }
            return (int) $m[1];
        };
        return ['awaiting' => $count('multipart aborts awaiting retry'), 'given_up' => $count('multipart aborts given up')];
    }

    /** What the child saw, step by step. */
    private function scenario(string $key): array
    {
        $seen = ['start' => self::counts()];
        // CreateMultipartUpload and the first part pass; then the store is down.
        $down = new FaultProxy('--down-after-writes', '2');
        $port = $down->port;
        $b = self::backend(['endpoint' => $down->endpoint(), 'part_size' => self::PART,
            'multipart_threshold' => self::PART, 'max_concurrency' => 1, 'max_attempts' => 1]);
        $upload = $b->createUpload($key);
        try {
            $upload->write(self::bytes(3 * self::PART));
            $upload->finish();
            $seen['upload'] = 'succeeded';
        } catch (S3AttachmentException $e) {
            $seen['upload'] = get_class($e);
        }
        unset($upload);
        $down->stop();
        $seen['after outage'] = self::counts();

        // The store is back, but refuses that abort for good (403).
        $refusing = new FaultProxy('--port', (string) $port, '--http-status', '403', '--faults', '1000');
        try {
            self::backend()->putString($this->key('next'), 'the next upload of this process');
        } finally {
            $seen['abort tried'] = $refusing->stop()['faults'];
        }
        $seen['after retry'] = self::counts();
        self::backend()->putString($this->key('after'), 'one more upload');
        $seen['after another upload'] = self::counts();
        return $seen;
    }

    public function test_an_abort_lost_to_an_outage_is_retried_once_and_dropped_when_the_store_refuses_it(): void
    {
        $this->assertTrue(function_exists('pcntl_fork'), 'pcntl is needed for this test');
        $direct = self::backend(); // before the fork: the child keeps this run's prefix
        $key = $this->key();
        $report = tempnam(sys_get_temp_dir(), 's3a-pending-aborts-');
        $pid = pcntl_fork();
        $this->assertNotSame(-1, $pid);
        if ($pid === 0) {
            try {
                $seen = $this->scenario($key);
            } catch (Throwable $e) {
                $seen = ['error' => get_class($e) . ': ' . $e->getMessage()];
            }
            file_put_contents($report, json_encode($seen));
            posix_kill(getmypid(), SIGKILL); // no shutdown of a PHPUnit copy
        }
        pcntl_waitpid($pid, $status);
        $seen = json_decode((string) file_get_contents($report), true);
        unlink($report);
        $this->assertIsArray($seen, 'the child reported');
        $this->assertArrayNotHasKey('error', $seen, $seen['error'] ?? '');

        $this->assertSame(['awaiting' => 0, 'given_up' => 0], $seen['start'], 'a new process starts with an empty list');
        $this->assertSame(S3AttachmentNetworkException::class, $seen['upload'], 'the upload failed with the store');
        $this->assertSame(['awaiting' => 1, 'given_up' => 0], $seen['after outage'], 'the abort it could not send is kept');
        $this->assertGreaterThanOrEqual(1, $seen['abort tried'], 'the next upload tried that abort again');
        $this->assertSame(['awaiting' => 0, 'given_up' => 1], $seen['after retry'], 'refused for good: dropped');
        $this->assertSame(['awaiting' => 0, 'given_up' => 1], $seen['after another upload'], 'and not tried again');

        $open = array_values(array_filter($direct->listIncompleteUploads(), fn ($u) => $u['key'] === $key));
        $this->assertCount(1, $open, 'the upload the store would not let go is still open, for the lifecycle rule');
        $direct->abortIncompleteUpload($key, $open[0]['upload_id']);
    }
}
