<?php
/*
 * Storing new attachments, driven as osTicket's AttachmentFile::create()
 * drives the backend: e-mail/API attachments as one write() + flush(), web
 * uploads and `file load` as upload($path).
 */

class CreateTest extends PluginTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->installPlugin();
    }

    public function test_create_with_one_whole_file_write_stores_bytes_at_folder_slash_key(): void
    {
        $data = self::bytes(300000, 'one-write');

        $file = $this->createFile($data);

        $this->assertSame($data, $this->native()->read($this->expectedObjectKey($file)));
    }

    public function test_create_records_official_attrs_json_with_bucket_and_folder(): void
    {
        $file = $this->createFile('hello');

        $this->assertSame(['bucket' => self::bucket(), 'folder' => $this->folder],
            json_decode($file->attrs, true));
        $this->assertLessThanOrEqual(255, strlen($file->attrs));
    }

    public function test_create_with_many_block_writes_then_flush_stores_concatenation(): void
    {
        // 12 MiB in 128 KiB blocks: past the multipart threshold.
        $data = self::bytes(12 * 1048576 + 7, 'blocks');
        $file = new AttachmentFile(['key' => AttachmentFile::generateKey(), 'name' => 'big.bin',
            'type' => 'application/octet-stream', 'size' => strlen($data)]);
        $file->save();
        $bk = FileStorageBackend::lookup('3', $file);
        $this->cleanupLater($this->expectedObjectKey($file));

        foreach (str_split($data, 131072) as $block) {
            $this->assertTrue((bool) $bk->write($block));
        }
        $this->assertTrue($bk->flush());

        $stored = $this->native()->read($this->expectedObjectKey($file));
        $this->assertSame(strlen($data), strlen($stored));
        $this->assertSame(md5($data), md5($stored));
    }

    public function test_create_via_upload_path_streams_the_file_from_disk(): void
    {
        $data = self::bytes(6 * 1048576 + 3, 'upload');
        $tmp = tempnam(sys_get_temp_dir(), 'upl');
        file_put_contents($tmp, $data);

        // A web upload: osTicket's upload() gives create() the key and signature.
        $file = AttachmentFile::upload(['name' => 'scan.pdf', 'type' => 'application/pdf',
            'tmp_name' => $tmp, 'size' => strlen($data), 'error' => UPLOAD_ERR_OK]);
        unlink($tmp);

        $this->assertSame('3', (string) $file->bk);
        $this->cleanupLater($this->expectedObjectKey($file));
        $this->assertSame(md5($data), md5($this->native()->read($this->expectedObjectKey($file))));
    }

    public function test_created_object_carries_file_content_type(): void
    {
        $file = $this->createFile('%PDF-1.4 test', 'invoice.pdf', 'application/pdf');

        $head = $this->native()->head($this->expectedObjectKey($file));

        $this->assertSame('application/pdf', $head['content_type']);
    }

    public function test_created_object_carries_private_cache_control(): void
    {
        $file = $this->createFile('cache me privately');
        $url = $this->native()->presignGet($this->expectedObjectKey($file), ['ttl' => 60]);

        $response = self::fetch($url);

        $this->assertSame(200, $response['status']);
        $this->assertSame('private, max-age=86400', $response['headers']['cache-control'] ?? null);
    }

    public function test_write_returns_truthy_for_an_empty_block(): void
    {
        $file = new AttachmentFile(['key' => AttachmentFile::generateKey(), 'name' => 'x', 'type' => 'text/plain']);
        $file->save();
        $bk = FileStorageBackend::lookup('3', $file);
        $this->cleanupLater($this->expectedObjectKey($file));

        $this->assertTrue((bool) $bk->write(''));
        $this->assertTrue((bool) $bk->write('abc'));
        $this->assertTrue($bk->flush());
        $this->assertSame('abc', $this->native()->read($this->expectedObjectKey($file)));
    }

    public function test_flush_without_write_stores_an_empty_object(): void
    {
        $file = new AttachmentFile(['key' => AttachmentFile::generateKey(), 'name' => 'empty.txt',
            'type' => 'text/plain']);
        $file->save();
        $bk = FileStorageBackend::lookup('3', $file);
        $this->cleanupLater($this->expectedObjectKey($file));

        $this->assertTrue($bk->flush());

        $head = $this->native()->head($this->expectedObjectKey($file));
        $this->assertNotNull($head);
        $this->assertSame(0, $head['size']);
        $this->assertSame(hash('crc32c', ''), $bk->getHashDigest('crc32c'));
    }

    public function test_flush_without_write_refuses_to_store_empty_copy_of_non_empty_file(): void
    {
        $file = new AttachmentFile(['key' => AttachmentFile::generateKey(), 'name' => 'zero.txt',
            'type' => 'text/plain', 'size' => 1]);
        $file->save();
        $bk = FileStorageBackend::lookup('3', $file);

        try {
            $bk->flush();
            $this->fail('flush() stored an empty object for a 1-byte file');
        } catch (IOException $e) {
            $this->assertStringContainsString('received 0 bytes for a file of 1 bytes', $e->getMessage());
        }
        $this->assertNull($this->native()->head($this->expectedObjectKey($file)));
    }

    public function test_size_and_crc32c_digest_are_those_s3_confirmed(): void
    {
        $data = self::bytes(70000, 'digest');
        $file = new AttachmentFile(['key' => AttachmentFile::generateKey(), 'name' => 'd.bin',
            'type' => 'application/octet-stream']);
        $file->save();
        $bk = FileStorageBackend::lookup('3', $file);
        $this->cleanupLater($this->expectedObjectKey($file));

        $bk->write($data);
        $bk->flush();

        $this->assertSame(['crc32c'], $bk->getNativeHashAlgos());
        $this->assertSame(hash('crc32c', $data), $bk->getHashDigest('crc32c'));
        $this->assertFalse($bk->getHashDigest('sha1'));
        $this->assertSame(strlen($data), $bk->getSize());
    }

    public function test_failed_upload_falls_back_to_database_and_is_in_system_log(): void
    {
        osticket_double_reset();
        $this->installPlugin([
            'aws-key-id' => self::env('S3_TEST_READONLY_ACCESS_KEY'),
            'secret-access-key' => self::env('S3_TEST_READONLY_SECRET_KEY'),
        ]);

        $info = ['name' => 'mail.txt', 'type' => 'text/plain', 'data' => 'attachment body', 'size' => 15];
        $file = AttachmentFile::create($info);

        $this->assertSame('D', (string) $file->bk, 'osTicket keeps the file in the database');
        $errors = self::systemLog('error');
        $this->assertCount(1, $errors, json_encode($GLOBALS['ost']->logs));
        $this->assertStringContainsString('Unable to store attachment in S3', $errors[0]['title']);
        $this->assertStringContainsString('mail.txt', $errors[0]['message']);
        $this->assertStringContainsString('Fix:', $errors[0]['message']);
    }

    public function test_failed_upload_message_names_no_secret(): void
    {
        osticket_double_reset();
        $this->installPlugin(['secret-access-key' => 'wrong-secret-value-1234567890']);

        $info = ['name' => 'a.txt', 'type' => 'text/plain', 'data' => 'x', 'size' => 1];
        AttachmentFile::create($info);

        $log = json_encode($GLOBALS['ost']->logs);
        $this->assertStringContainsString('Unable to store attachment in S3', $log);
        $this->assertStringNotContainsString('wrong-secret-value-1234567890', $log);
    }

    public function test_backend_made_without_a_file_can_be_listed(): void
    {
        $bk = FileStorageBackend::lookup('3', null);

        $this->assertSame('3', (string) $bk->getBkChar());
        $this->assertFalse($bk->sendRedirectUrl('inline'));
    }
}
