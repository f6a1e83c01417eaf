<?php
/*
 * The "Integrity check" setting: what uploads carry for the store to verify
 * (the extension's 'checksums' option), and the digest osTicket's migrate
 * compares: the one the store confirmed, or none (osTicket then reads the
 * copy back).
 */

class AdvisedChecksumRefusal extends S3AttachmentException
{
    function getS3Code(): ?string { return 'InvalidArgument'; }
    function getOptionName(): ?string { return 'checksums'; }
}

class IntegrityCheckTest extends PluginTestCase
{
    public function test_the_default_is_crc32c_and_is_passed_to_the_extension(): void
    {
        $this->installPlugin();
        $file = $this->createDatabaseFile('x');
        $this->assertSame(['crc32c'], FileStorageBackend::lookup('3', $file)->getNativeHashAlgos());
        $factory = new S3Native\BackendFactory(S3Native\Settings::fromArray(['bucket' => 'bkt']));
        $this->assertSame('crc32c', $factory->nativeOptions('bkt')['checksums']);
    }

    public function test_md5_mode_offers_osticket_the_md5_the_store_confirmed(): void
    {
        $this->installPlugin(['checksums' => 'md5']);
        $data = self::bytes(700000, 'md5-mode');
        $file = $this->createDatabaseFile($data);
        $this->cleanupLater($this->expectedObjectKey($file));
        $target = FileStorageBackend::lookup('3', $file);
        $this->assertSame(['md5'], $target->getNativeHashAlgos());

        foreach (str_split($data, $target->getBlockSize()) as $block) {
            $target->write($block);
        }
        $target->flush();

        $this->assertSame(md5($data), $target->getHashDigest('md5'));
        $this->assertFalse($target->getHashDigest('crc32c'), 'no CRC32C was sent, so none is confirmed');
    }

    public function test_migrate_in_md5_mode_moves_and_verifies(): void
    {
        $this->installPlugin(['checksums' => 'md5']);
        $data = self::bytes(3 * 1048576 + 5, 'md5-migrate');
        $file = $this->createDatabaseFile($data);
        $this->cleanupLater($this->expectedObjectKey($file));

        $cli = new FileManageCommand();
        $this->assertSame(0, $cli->migrate('3', 'D'));
        $this->assertSame("Migrated 1 files\n", $cli->stdout, $cli->stderr);
        $this->assertMovedToS3($file, $data, $this->expectedObjectKey($file));
    }

    public function test_none_mode_offers_no_digest_so_migrate_reads_the_copy_back(): void
    {
        $this->installPlugin(['checksums' => 'none']);
        $data = self::bytes(600000, 'none-migrate');
        $file = $this->createDatabaseFile($data);
        $this->cleanupLater($this->expectedObjectKey($file));
        $this->assertSame([], FileStorageBackend::lookup('3', $file)->getNativeHashAlgos());

        $cli = new FileManageCommand();
        $this->assertSame(0, $cli->migrate('3', 'D'));
        $this->assertSame("Migrated 1 files\n", $cli->stdout, $cli->stderr);
        $this->assertMovedToS3($file, $data, $this->expectedObjectKey($file));
    }

    public function test_an_unknown_stored_value_falls_back_to_crc32c(): void
    {
        $this->assertSame('crc32c', S3Native\Settings::fromArray(['checksums' => 'sha1'])->checksums);
        $this->assertSame('md5', S3Native\Settings::fromArray(['checksums' => 'md5'])->checksums);
    }

    public function test_a_store_refusing_the_checksums_points_the_admin_at_the_integrity_check(): void
    {
        $e = new AdvisedChecksumRefusal("putObject s3://b/x failed: the store refuses the checksum headers this "
            . "request carries: Unsupported header 'x-amz-sdk-checksum-algorithm' received for this API call. "
            . "Fix: set 'checksums' to 'md5'", 400);
        [$field, $message] = S3Native\ErrorAdvisor::configFailure($e, S3Native\Settings::fromArray(['bucket' => 'bkt']));

        $this->assertSame('checksums', $field);
        $this->assertStringContainsString('"Integrity check"', $message);
        $this->assertStringContainsString('MD5', $message);
    }
}
