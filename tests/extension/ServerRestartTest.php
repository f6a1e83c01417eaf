<?php
declare(strict_types=1);

/**
 * The store itself goes down in the middle of a multipart upload and comes
 * back: the caller gets a typed exception, nothing stored before changes,
 * and the upload left open on the store is aborted as soon as the store is
 * back and this process uploads again.
 *
 * Stops and restarts the shared test server (scripts/s3-server.sh), so it
 * takes a few seconds.
 */
final class ServerRestartTest extends S3TestCase
{
    private const PART = 5 * self::MIB;

    private static function server(string $command): void
    {
        exec(escapeshellarg(dirname(__DIR__, 2) . '/scripts/s3-server.sh') . " $command 2>&1", $out, $code);
        self::assertSame(0, $code, "s3-server.sh $command: " . implode("\n", $out));
    }

    public function test_store_restarted_mid_multipart_upload_leaves_nothing_behind(): void
    {
        $b = self::backend(['part_size' => self::PART, 'multipart_threshold' => self::PART, 'max_concurrency' => 1,
            'max_attempts' => 2, 'connect_timeout' => 2, 'operation_timeout' => 10]);
        $kept = $this->key('kept');
        $b->putString($kept, 'stored before the crash');
        $key = $this->key();
        $upload = $b->createUpload($key);
        $upload->write(self::bytes(self::PART + self::MIB)); // multipart started, part 1 sent
        $this->assertSame(1, open_multipart_uploads($b->objectKey($key)));

        self::server('stop');
        exec(escapeshellarg(dirname(__DIR__, 2) . '/scripts/s3-server.sh') . ' status 2>&1', $out, $running);
        $this->assertNotSame(0, $running, 'the server must be down now; this test needs a server started by '
            . 'scripts/s3-server.sh from this checkout (scripts/test does that): ' . implode(' ', $out));
        try {
            try {
                $upload->write(self::bytes(2 * self::PART));
                $upload->finish();
                $this->fail('the upload finished with the store down');
            } catch (S3AttachmentNetworkException $e) {
                $this->assertStringContainsString('Fix:', $e->getMessage());
            }
        } finally {
            self::server('start');
        }

        // The abort could not reach the store; the next upload retries it.
        $after = $this->key('after');
        $this->assertSame(13, $b->putString($after, 'after restart')['size']);
        $this->assertSame(0, open_multipart_uploads($b->objectKey($key)), 'the orphaned upload was aborted');
        $this->assertNull($b->head($key), 'no object, no half object');
        $this->assertSame('stored before the crash', $b->read($kept));
        $retry = $b->createUpload($key);
        $retry->write(self::bytes(2 * self::PART + 1));
        $this->assertSame(2 * self::PART + 1, $retry->finish()['size'], 'the same upload succeeds once retried');
    }
}
