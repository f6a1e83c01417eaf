<?php
/*
 * The plugin with exactly the README's IAM policy: s3:PutObject,
 * s3:GetObject and s3:DeleteObject on BUCKET/FOLDER/*, nothing on the
 * bucket. The test server's "limited" identity has object read and write
 * under plugin-tests/* (scripts/s3-server.sh) and no List: refused
 * elsewhere in the bucket and on the bucket itself. SeaweedFS still answers
 * 404 for a missing key under the folder; AWS answers 403 without
 * s3:ListBucket, which fault_proxy.py --missing-as-403 reproduces in front
 * of it.
 */

class LeastPrivilegeTest extends PluginTestCase
{
    /** @var FaultProxy|null */
    private $proxy;

    protected function tearDown(): void
    {
        if ($this->proxy) {
            $this->proxy->stop();
        }
        parent::tearDown();
    }

    /** An endpoint that answers like AWS without s3:ListBucket. */
    private function awsLikeEndpoint(): string
    {
        $this->proxy = new FaultProxy('--missing-as-403');
        return $this->proxy->endpoint();
    }

    public function test_save_with_object_only_credentials_succeeds(): void
    {
        [$errors, $rows] = $this->saveNewInstance(self::limitedCredentials());

        $this->assertSame([], $errors);
        $this->assertSame(self::env('S3_TEST_LIMITED_ACCESS_KEY'), $rows['aws-key-id'] ?? null);
        $this->assertSame([], store_keys($this->folder . '/'), 'the probe is deleted');
    }

    public function test_save_with_object_only_credentials_succeeds_where_missing_objects_answer_403(): void
    {
        [$errors, $rows] = $this->saveNewInstance(self::limitedCredentials(['endpoint' => $this->awsLikeEndpoint()]));

        $this->assertSame([], $errors, 'the README policy must be enough to save');
        $this->assertSame($this->folder, $rows['folder'] ?? null);
        $this->assertSame([], store_keys($this->folder . '/'), 'the probe is deleted');
    }

    public function test_the_proxy_really_answers_403_for_a_missing_object(): void
    {
        // Guards the test above against a vacuous pass.
        $backend = new S3AttachmentBackend([
            'bucket' => self::bucket(), 'endpoint' => $this->awsLikeEndpoint(), 'region' => self::env('S3_TEST_REGION'),
            'path_style' => true, 'access_key_id' => self::env('S3_TEST_LIMITED_ACCESS_KEY'),
            'secret_access_key' => self::env('S3_TEST_LIMITED_SECRET_KEY'),
        ]);

        $this->expectException(S3AttachmentAccessDeniedException::class);
        $backend->read($this->folder . '/missing-' . bin2hex(random_bytes(4)));
    }

    public function test_files_are_stored_served_and_deleted_with_object_only_credentials(): void
    {
        $this->installPlugin(self::limitedCredentials(['endpoint' => $this->awsLikeEndpoint()]));
        $data = self::bytes(300000, 'least-privilege');
        $file = $this->createFile($data, 'limited.bin');

        $served = AttachmentFile::lookup($file->id)->getData();
        $url = self::redirectUrlOf(function () use ($file) {
            AttachmentFile::lookup($file->id)->download('attachment', 600);
        });
        $fetched = self::fetch($url)['body'];
        AttachmentFile::lookup($file->id)->delete();

        $this->assertSame(md5($data), md5($served));
        $this->assertSame(md5($data), md5($fetched));
        $this->assertNull($this->native()->head($this->expectedObjectKey($file)), 'deleted');
        $this->assertSame([], self::systemLog('error'));
    }

    public function test_row_without_attrs_is_found_in_the_folder_when_the_bare_key_answers_403(): void
    {
        // The official plugin's first versions: no attrs, object under the
        // then-configured folder. The bare KEY is tried first, and without
        // s3:ListBucket its absence reads as 403: that means "not here".
        $this->installPlugin(self::limitedCredentials(['endpoint' => $this->awsLikeEndpoint()]));
        $file = $this->legacyRowInTheFolder('old layout, no list permission');

        $this->assertSame('old layout, no list permission', AttachmentFile::lookup($file->id)->getData());
        $this->assertSame([], self::systemLog('error'));
    }

    /** @dataProvider stores */
    public function test_row_without_attrs_is_deleted_from_the_folder_when_the_bare_key_is_refused(bool $asAws): void
    {
        // The bare KEY, the first candidate, is outside FOLDER/*: the store
        // refuses its HEAD and its DELETE (403). Deleting the row must still
        // delete the object under the folder, and report success.
        $this->installPlugin(self::limitedCredentials($asAws ? ['endpoint' => $this->awsLikeEndpoint()] : []));
        $file = $this->legacyRowInTheFolder('old layout, to delete');

        $this->assertTrue(AttachmentFile::lookup($file->id)->delete(), 'the row is deleted');

        $this->assertNull($this->native()->head($this->folder . '/' . $file->key), 'the object under the folder is deleted');
        $this->assertSame([], self::systemLog('error'));
    }

    /**
     * A file as the official plugin's first versions left it: no attrs,
     * the object under the then-configured folder (the bare KEY is the
     * first place looked at).
     */
    private function legacyRowInTheFolder(string $data): AttachmentFile
    {
        $key = AttachmentFile::generateKey();
        $this->native()->putString($this->folder . '/' . $key, $data);
        $this->cleanupLater($this->folder . '/' . $key);
        $file = new AttachmentFile(['key' => $key, 'name' => 'old.txt', 'type' => 'text/plain',
            'size' => strlen($data), 'bk' => '3', 'attrs' => null]);
        $file->save();
        return $file;
    }

    public static function stores(): array
    {
        return ['SeaweedFS (403 outside the folder, 404 for a missing key)' => [false],
                'as AWS without s3:ListBucket (403 for a missing key too)' => [true]];
    }

    public function test_missing_object_read_without_list_permission_says_it_may_be_missing(): void
    {
        $this->installPlugin(self::limitedCredentials(['endpoint' => $this->awsLikeEndpoint()]));
        [, $error] = $this->readOfADeletedObject();

        $this->assertStringContainsString('s3:ListBucket', $error['message']);
        $this->assertStringContainsString('probably missing', $error['message']);
    }
}
