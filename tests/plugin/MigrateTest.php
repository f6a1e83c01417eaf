<?php
/*
 * `php manage.php file migrate --backend D --to 3` and back, with
 * osTicket's algorithm (see AttachmentFile::migrate in the test double):
 * blocks of the target's size, the target's digest or a read-back through a
 * new target object carrying the source's attrs, source unlinked only after
 * the digests match.
 */

class MigrateTest extends PluginTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->installPlugin();
    }

    public function test_migrate_database_to_s3_moves_bytes_and_removes_database_copy(): void
    {
        $data = self::bytes(9 * 1048576 + 123, 'd-to-3');
        $file = $this->createDatabaseFile($data);
        $this->cleanupLater($this->expectedObjectKey($file));

        $cli = new FileManageCommand();
        $exit = $cli->migrate('3', 'D');

        $this->assertSame(0, $exit);
        $this->assertSame("Migrated 1 files\n", $cli->stdout, $cli->stderr);
        $this->assertMovedToS3($file, $data, $this->expectedObjectKey($file));
    }

    public function test_target_digest_after_migration_writes_is_the_s3_confirmed_crc32c(): void
    {
        $data = self::bytes(600000, 'digest');
        $file = $this->createDatabaseFile($data);
        $this->cleanupLater($this->expectedObjectKey($file));
        $target = FileStorageBackend::lookup('3', $file);

        foreach (str_split($data, $target->getBlockSize()) as $block) {
            $target->write($block);
        }
        $target->flush();

        $this->assertSame(hash('crc32c', $data), $target->getHashDigest('crc32c'));
    }

    public function test_migrate_s3_to_database_moves_bytes_and_deletes_object(): void
    {
        $data = self::bytes(2 * 1048576 + 17, '3-to-d');
        $file = $this->createFile($data);

        $cli = new FileManageCommand();
        $cli->migrate('D', '3');

        $this->assertSame("Migrated 1 files\n", $cli->stdout, $cli->stderr);
        $this->assertMovedToDatabase($file, $data, $this->expectedObjectKey($file));
    }

    public function test_migrate_s3_to_database_deletes_object_where_attrs_said_not_where_config_says(): void
    {
        $data = 'written under an old folder';
        $file = $this->createFile($data);
        $oldKey = $this->expectedObjectKey($file);
        // The admin changes the folder afterwards.
        osticket_double_reset();
        AttachmentFile::$table[$file->id] = $file;
        $this->installPlugin(['folder' => $this->folder . '-renamed']);

        $cli = new FileManageCommand();
        $cli->migrate('D', '3');

        $this->assertSame("Migrated 1 files\n", $cli->stdout, $cli->stderr);
        $this->assertSame($data, self::databaseBytes($file));
        $this->assertNull($this->native()->head($oldKey), 'the source object was left behind');
    }

    public function test_migrate_database_to_s3_keeps_file_whose_last_block_would_be_zero(): void
    {
        // 8 MiB + "0": in blocks of 8 MiB the last one would be "0", which
        // ends osTicket's read loop one byte early.
        $data = self::bytes(S3NativeStorageBackend::$blocksize, 'zero-a') . '0';
        $file = $this->createDatabaseFile($data);
        $this->cleanupLater($this->expectedObjectKey($file));

        $cli = new FileManageCommand();
        $cli->migrate('3', 'D');

        $this->assertSame("Migrated 1 files\n", $cli->stdout, $cli->stderr);
        $this->assertSame(md5($data), md5($this->native()->read($this->expectedObjectKey($file))));
    }

    public function test_migrate_refuses_a_copy_shorter_than_the_file(): void
    {
        // A source that ends early (osTicket's loop stopping at a "0" block)
        // must not replace the file: the digests of two short reads match.
        $file = $this->createDatabaseFile(str_repeat('x', 1000) . '0');
        $target = FileStorageBackend::lookup('3', $file);

        $target->write(str_repeat('x', 1000));

        $this->expectException(IOException::class);
        $this->expectExceptionMessage('received 1000 bytes for a file of 1001 bytes');
        $target->flush();
    }

    public function test_migrate_s3_to_database_refuses_file_the_database_cannot_read_back(): void
    {
        // 3 x 500 KiB + "0": whatever blocks it is written in, osTicket's
        // database backend reads it back in 500 KiB blocks, the last being
        // "0", so the read-back comes up one byte short. The copy must be
        // refused and the S3 object kept.
        $data = self::bytes(CHUNK_SIZE * 3, 'zero-b') . '0';
        $file = $this->createFile($data);

        $cli = new FileManageCommand();
        $cli->migrate('D', '3');

        $this->assertStringContainsString('Unable to migrate report.bin', $cli->stderr);
        $this->assertSame('3', AttachmentFile::lookup($file->id)->bk);
        $this->assertSame(md5($data), md5($this->native()->read($this->expectedObjectKey($file))));
        $this->assertSame('', self::databaseBytes($file), 'the partial database copy is removed');
    }

    public function test_migrate_s3_to_database_hands_the_last_zero_byte_over_with_its_neighbour(): void
    {
        // Read in the database backend's 500 KiB blocks, the last block of
        // CHUNK_SIZE * 2 + 1 bytes would be "0"; read() ends with two bytes.
        $data = self::bytes(CHUNK_SIZE * 2, 'zero-c') . '0';
        $file = $this->createFile($data);
        $source = AttachmentFile::lookup($file->id)->open();

        $blocks = [];
        while ($block = $source->read(CHUNK_SIZE)) {
            $blocks[] = strlen($block);
        }

        $this->assertSame([CHUNK_SIZE, CHUNK_SIZE - 1, 2], $blocks);
    }

    public function test_read_back_through_s3_gets_the_last_zero_byte(): void
    {
        // When S3 confirms no digest, osTicket reads the copy back with
        // read() in our default block size; the last one must not be "0".
        $data = self::bytes(S3NativeStorageBackend::READ_CHUNK, 'zero-d') . '0';
        $file = $this->createFile($data);

        $reader = AttachmentFile::lookup($file->id)->open();
        $hash = hash_init('sha1');
        while ($block = $reader->read()) {
            hash_update($hash, $block);
        }

        $this->assertSame(sha1($data), hash_final($hash));
    }

    public function test_migrate_of_one_byte_zero_file_fails_without_losing_it_either_way(): void
    {
        // osTicket's create() would return the first file for the second
        // (same signature and size): create through it first, then make the
        // database row directly.
        $inS3 = $this->createFile('0', 'zero-s3.txt');
        $inDb = $this->createDatabaseFile('0', 'zero-db.txt');

        $toS3 = new FileManageCommand();
        $toS3->migrate('3', 'D');
        $toDb = new FileManageCommand();
        $toDb->migrate('D', '3');

        $this->assertStringContainsString('Unable to migrate zero-db.txt', $toS3->stderr);
        $this->assertSame('D', AttachmentFile::lookup($inDb->id)->bk);
        $this->assertSame('0', self::databaseBytes($inDb));
        $this->assertStringContainsString('Unable to migrate zero-s3.txt', $toDb->stderr);
        $this->assertSame('3', AttachmentFile::lookup($inS3->id)->bk);
        $this->assertSame('0', $this->native()->read($this->expectedObjectKey($inS3)));
    }

    public function test_read_back_object_with_stale_source_attrs_finds_the_new_copy(): void
    {
        // A database row still carrying S3-looking attrs from long ago: the
        // read-back object must not follow them, the row is not ours yet.
        $data = self::bytes(50000, 'stale');
        $file = $this->createDatabaseFile($data);
        $file->attrs = json_encode(['bucket' => 'some-other-bucket', 'folder' => 'elsewhere']);
        $file->save();
        $this->cleanupLater($this->expectedObjectKey($file));
        $writer = FileStorageBackend::lookup('3', $file);
        $writer->write($data);
        $writer->flush();

        $reader = FileStorageBackend::lookup('3', $file);
        $out = '';
        while ($block = $reader->read()) {
            $out .= $block;
        }

        $this->assertSame(md5($data), md5($out));
        $this->assertSame(['bucket' => self::bucket(), 'folder' => $this->folder],
            json_decode($reader->getAttrs(), true), 'migrate saves attrs from the read-back object');
    }

    public function test_migrate_to_unreachable_s3_reports_failure_and_keeps_database_copy(): void
    {
        $file = $this->createDatabaseFile('stay here');
        osticket_double_reset();
        AttachmentFile::$table[$file->id] = $file;
        AttachmentChunkedData::$chunks[$file->id] = [0 => 'stay here'];
        $port = self::closedPort();
        $this->installPlugin(['endpoint' => 'http://127.0.0.1:' . $port]);

        $cli = new FileManageCommand();
        $exit = $cli->migrate('3', 'D');

        $this->assertSame(0, $exit, 'osTicket exits 0 even when files failed');
        $this->assertStringContainsString('Unable to migrate old.bin', $cli->stderr);
        $this->assertSame('D', AttachmentFile::lookup($file->id)->bk);
        $this->assertSame('stay here', self::databaseBytes($file));
        // manage.php keeps no system log: the reason goes to PHP's error log
        // (stderr on the command line), next to "Unable to migrate".
        $this->assertStringContainsString('Unable to store attachment "old.bin"', $cli->phpErrorLog);
        $this->assertStringContainsString('127.0.0.1:' . $port, $cli->phpErrorLog);
    }
}
