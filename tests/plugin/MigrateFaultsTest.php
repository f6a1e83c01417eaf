<?php
/*
 * `manage.php file migrate` (the test double's, as in MigrateTest) with the
 * connection to S3 cut part-way by tests/support/fault_proxy.py, which the
 * plugin is configured to use as its endpoint. With `--faults 1000` every
 * connection is cut, so the extension's own retries fail too.
 *
 * After the failed run nothing is lost or half-moved: the source is intact
 * and still the one the ost_file row points at, and the failure is in
 * PHP's error log (manage.php has no system log) with what to do. Then a second run, straight to the store,
 * completes and is verified.
 *
 * One thing is osTicket's and not the plugin's to change: when the source
 * fails, migrate() returns without unlinking its target. For --to 3 the
 * plugin aborts its own upload, so S3 is left clean; for --to D the blocks
 * copied before the cut stay in ost_file_chunk, unused, until the second
 * run writes the same blocks again.
 */

require_once PluginTestCase::PLUGIN_DIR . '/backend.php';

/**
 * The plugin's backend, registered as '3' in its place, recording the digests
 * migrate() obtains from it: which one osTicket compared with the source's.
 */
class DigestRecordingS3Backend extends S3NativeStorageBackend
{
    /** @var array<int, array{0: string, 1: string|false}> [algo, digest] per getHashDigest() call */
    public static $digests = [];

    function getHashDigest($algo)
    {
        $digest = parent::getHashDigest($algo);
        self::$digests[] = [$algo, $digest];
        return $digest;
    }
}

class MigrateFaultsTest extends PluginTestCase
{
    const MIB = 1048576;

    /** @var FaultProxy|null */
    private $proxy;

    protected function setUp(): void
    {
        parent::setUp();
        DigestRecordingS3Backend::$digests = [];
    }

    protected function tearDown(): void
    {
        if ($this->proxy) {
            $this->proxy->stop();
            $this->proxy = null;
        }
        parent::tearDown();
    }

    /** The plugin as an admin configured it, S3 reached through the fault proxy (null: directly). */
    private function configure(?FaultProxy $proxy): void
    {
        $this->installPlugin($proxy ? ['endpoint' => $proxy->endpoint()] : []);
        FileStorageBackend::register('3', DigestRecordingS3Backend::class);
    }

    /** Every byte of a file, read the way osTicket reads it: through its backend, in its block size. */
    private static function readThroughOsticket(AttachmentFile $file): string
    {
        $backend = AttachmentFile::lookup($file->id)->open();
        $data = '';
        while ($block = $backend->read($backend->getBlockSize())) {
            $data .= $block;
        }
        return $data;
    }

    /**
     * What manage.php logged about one file. It runs without osTicket's
     * system log (no global $ost): the plugin's messages go to PHP's error
     * log, stderr on the command line.
     */
    private static function logAbout(FileManageCommand $command, string $name): string
    {
        return implode("\n", array_filter(explode("\n", $command->phpErrorLog), function ($line) use ($name) {
            return strpos($line, $name) !== false;
        }));
    }

    /** A migrate through the proxy, which cut it: osTicket reports the file as not migrated. */
    private function assertMigrateFails(string $to, string $from, string $name): FileManageCommand
    {
        $failed = new FileManageCommand();
        $failed->migrate($to, $from);
        $stats = $this->proxy->stop();

        $this->assertGreaterThan(0, $stats['faults'], 'the proxy cut the transfer');
        $this->assertStringContainsString("Unable to migrate $name", $failed->stderr);
        $this->assertSame("Migrated 0 files\n", $failed->stdout);
        return $failed;
    }

    /** The command's log says what failed for the file, names the object and the fix; returns the entries. */
    private function assertLogged(FileManageCommand $command, string $name, string $what, string $objectKey): string
    {
        $log = self::logAbout($command, $name);
        $this->assertStringContainsString("$what \"$name\"", $log);
        $this->assertStringContainsString($objectKey, $log, 'the log names the object');
        $this->assertStringContainsString('Fix:', $log);
        return $log;
    }

    public function test_upload_cut_mid_part_keeps_database_file_and_a_second_migrate_completes_verified(): void
    {
        // 20 MiB: above the 16 MiB multipart threshold, three parts of 8 MiB
        // (migrate writes blocks of 8 MiB). Every connection is reset after
        // 5 MiB of request body, so each part upload, and each retry of it,
        // is cut in the middle.
        $data = self::bytes(20 * self::MIB + 5, 'cut-upload');
        $file = $this->createDatabaseFile($data, 'contract.pdf');
        $objectKey = $this->expectedObjectKey($file);
        $this->cleanupLater($objectKey);
        $this->proxy = new FaultProxy('--reset-after', (string) (5 * self::MIB), '--faults', '1000');
        $this->configure($this->proxy);

        $failed = $this->assertMigrateFails('3', 'D', 'contract.pdf');
        $row = AttachmentFile::lookup($file->id);
        $this->assertSame('D', $row->bk, 'the row still points at the database');
        $this->assertNull($row->attrs);
        $this->assertSame(md5($data), md5(self::databaseBytes($file)), 'the database copy is untouched');
        $this->assertSame(md5($data), md5(self::readThroughOsticket($file)), 'and still readable');
        $this->assertNull($this->native()->head($objectKey), 'no object, and no half object, in S3');
        $this->assertSame(0, open_multipart_uploads($objectKey), 'no multipart upload left open');
        $log = $this->assertLogged($failed, 'contract.pdf', 'Unable to store attachment', $objectKey);
        $this->assertStringContainsString($this->proxy->endpoint(), $log, 'and the endpoint to check');

        $this->configure(null);
        $retry = new FileManageCommand();
        $retry->migrate('3', 'D');

        $this->assertSame("Migrated 1 files\n", $retry->stdout, $retry->stderr);
        $this->assertMovedToS3($file, $data, $objectKey);
        $this->assertSame([['crc32c', hash('crc32c', $data)]], DigestRecordingS3Backend::$digests,
            'osTicket compared the source with the CRC32C that S3 confirmed');
        $this->assertSame(hash('crc32c', $data), $this->native()->head($objectKey)['checksums']['crc32c']);
        $this->assertSame(0, open_multipart_uploads($objectKey));
    }

    public function test_download_cut_mid_body_keeps_s3_object_and_a_second_migrate_completes_verified(): void
    {
        $this->configure(null);
        $data = self::bytes(3 * self::MIB + 17, 'cut-download');
        $file = $this->createFile($data, 'scan.tiff');
        $objectKey = $this->expectedObjectKey($file);
        $before = $this->native()->head($objectKey);
        // Reset every connection 1.5 MiB into the response: the GET of the
        // source is cut after osTicket has copied a few 500 KiB blocks.
        $this->proxy = new FaultProxy('--reset-response-after', (string) (3 * self::MIB / 2), '--faults', '1000');
        $this->configure($this->proxy);

        $failed = $this->assertMigrateFails('D', '3', 'scan.tiff');
        $row = AttachmentFile::lookup($file->id);
        $this->assertSame('3', $row->bk, 'the row still points at S3');
        $this->assertSame($file->attrs, $row->attrs);
        $after = $this->native()->head($objectKey);
        $this->assertNotNull($after, 'the S3 object is still there');
        $this->assertSame([$before['size'], $before['etag'], $before['checksums']],
            [$after['size'], $after['etag'], $after['checksums']], 'and untouched');
        $this->assertSame(md5($data), md5($this->native()->read($objectKey)));
        $this->assertLogged($failed, 'scan.tiff', 'Unable to read attachment', $objectKey);
        // osTicket's migrate() returns on a source exception without
        // unlinking its target, so the blocks it had copied before the cut
        // stay in ost_file_chunk. They are whole blocks from the start of
        // the file (the plugin raised instead of handing out a short block)
        // and the row does not point at them: osTicket serves the S3 object.
        $partial = self::databaseBytes($file);
        $this->assertSame(0, strlen($partial) % CHUNK_SIZE, 'only whole blocks were handed over');
        $this->assertSame(md5(substr($data, 0, strlen($partial))), md5($partial), 'and they are the file\'s first bytes');

        $this->configure(null);
        $this->assertSame(md5($data), md5(self::readThroughOsticket($file)), 'the file is still read from S3, whole');
        $retry = new FileManageCommand();
        $retry->migrate('D', '3');

        $this->assertSame("Migrated 1 files\n", $retry->stdout, $retry->stderr);
        $this->assertMovedToDatabase($file, $data, $objectKey);
    }
}
