<?php
/*
 * Objects and ost_file rows left by the official "Attachments hosted in
 * Amazon S3" plugin: FOLDER/KEY (or KEY), with attrs {"bucket","folder"},
 * are read, served, migrated and deleted where they are, whatever this
 * plugin is configured to use for new files.
 */

class OfficialLayoutTest extends PluginTestCase
{
    /** @var string a second bucket, for rows whose attrs name another bucket */
    private static $otherBucket;

    public static function setUpBeforeClass(): void
    {
        self::$otherBucket = self::env('S3_TEST_BUCKET') . '-other';
        $script = dirname(__DIR__, 2) . '/scripts/s3-curl.sh';
        $out = shell_exec(escapeshellarg($script) . ' PUT ' . escapeshellarg('/' . self::$otherBucket)
            . " -w '\\n%{http_code}' 2>&1");
        if (!preg_match('/(^|\n)200$/', trim((string) $out)) && strpos((string) $out, 'BucketAlreadyOwnedByYou') === false) {
            throw new RuntimeException('could not create bucket ' . self::$otherBucket . ": $out");
        }
    }

    /**
     * An object and row exactly as the official plugin leaves them.
     */
    private function officialFile(string $data, string $bucket, string $folder, string $type = 'text/plain'): AttachmentFile
    {
        $key = AttachmentFile::generateKey();
        $objectKey = $folder !== '' ? "$folder/$key" : $key;
        $this->native($bucket)->putString($objectKey, $data, ['content_type' => $type]);
        $this->cleanupLater($objectKey, $bucket);
        $file = new AttachmentFile(['key' => $key, 'name' => 'official.txt', 'type' => $type,
            'size' => strlen($data), 'bk' => '3', 'signature' => sha1($data),
            'attrs' => json_encode(['bucket' => $bucket, 'folder' => $folder])]);
        $file->save();
        return $file;
    }

    public function test_reads_official_object_under_attrs_folder_not_configured_folder(): void
    {
        $this->installPlugin(['folder' => 'new-folder-for-new-files']);
        $file = $this->officialFile('from the official plugin', self::bucket(), $this->folder . '/legacy');

        $this->assertSame('from the official plugin', AttachmentFile::lookup($file->id)->getData());
    }

    public function test_reads_official_object_with_empty_folder_at_bare_key(): void
    {
        $this->installPlugin();
        $file = $this->officialFile('bare key', self::bucket(), '');

        $this->assertSame('bare key', AttachmentFile::lookup($file->id)->getData());
    }

    public function test_reads_official_object_with_nested_folder_verbatim(): void
    {
        $this->installPlugin();
        $file = $this->officialFile('nested', self::bucket(), $this->folder . '/a/b/c');

        $this->assertSame('nested', AttachmentFile::lookup($file->id)->getData());
    }

    public function test_reads_from_the_bucket_named_in_attrs(): void
    {
        $this->installPlugin();
        $file = $this->officialFile('in the other bucket', self::$otherBucket, $this->folder);

        $this->assertSame('in the other bucket', AttachmentFile::lookup($file->id)->getData());
    }

    public function test_redirect_for_a_file_in_another_bucket_is_signed_for_that_bucket(): void
    {
        $this->installPlugin();
        $file = $this->officialFile('signed elsewhere', self::$otherBucket, $this->folder);

        $url = self::redirectUrlOf(function () use ($file) {
            AttachmentFile::lookup($file->id)->download(false, 600);
        });

        $this->assertStringContainsString('/' . self::$otherBucket . '/', $url);
        $this->assertSame('signed elsewhere', self::fetch($url)['body']);
    }

    public function test_deletes_official_object_in_another_bucket(): void
    {
        $this->installPlugin();
        $file = $this->officialFile('delete me', self::$otherBucket, $this->folder);

        AttachmentFile::lookup($file->id)->delete();

        $this->assertNull($this->native(self::$otherBucket)->head($this->folder . '/' . $file->getKey()));
    }

    public function test_migrates_official_file_to_database(): void
    {
        $this->installPlugin(['folder' => 'somewhere-else']);
        $file = $this->officialFile('official to db', self::bucket(), $this->folder);

        $cli = new FileManageCommand();
        $cli->migrate('D', '3');

        $this->assertSame("Migrated 1 files\n", $cli->stdout, $cli->stderr);
        $this->assertSame('official to db', self::databaseBytes($file));
        $this->assertNull($this->native()->head($this->folder . '/' . $file->getKey()));
    }

    public function test_row_without_attrs_is_read_from_bare_key_like_the_official_plugin(): void
    {
        $this->installPlugin();
        $file = $this->officialFile('no attrs', self::bucket(), '');
        $file->attrs = null;
        $file->save();

        $this->assertSame('no attrs', AttachmentFile::lookup($file->id)->getData());
    }

    public function test_row_without_attrs_falls_back_to_configured_folder(): void
    {
        // Rows from the official plugin's versions before attrs existed.
        $this->installPlugin();
        $file = $this->officialFile('old layout', self::bucket(), $this->folder);
        $file->attrs = null;
        $file->save();

        $this->assertSame('old layout', AttachmentFile::lookup($file->id)->getData());
    }

    public function test_installer_style_hex_key_is_read(): void
    {
        $this->installPlugin();
        $key = bin2hex(random_bytes(16));
        $this->native()->putString($this->folder . '/' . $key, 'hex key');
        $this->cleanupLater($this->folder . '/' . $key);
        $file = new AttachmentFile(['key' => $key, 'name' => 'logo.png', 'type' => 'image/png',
            'size' => 7, 'bk' => '3',
            'attrs' => json_encode(['bucket' => self::bucket(), 'folder' => $this->folder])]);
        $file->save();

        $this->assertSame('hex key', AttachmentFile::lookup($file->id)->getData());
    }
}
