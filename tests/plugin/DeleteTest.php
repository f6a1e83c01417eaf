<?php
/*
 * Deleting attachments: osTicket deletes the ost_file row first, then calls
 * unlink() on the backend; a failed unlink orphans the object for good.
 */

class DeleteTest extends PluginTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->installPlugin();
    }

    public function test_delete_removes_the_row_and_the_object(): void
    {
        $file = $this->createFile('to be deleted');

        $this->assertTrue(AttachmentFile::lookup($file->id)->delete());

        $this->assertNull(AttachmentFile::lookup($file->id));
        $this->assertNull($this->native()->head($this->expectedObjectKey($file)));
    }

    public function test_unlink_of_an_already_missing_object_succeeds(): void
    {
        $file = $this->createFile('twice');
        $this->native()->delete($this->expectedObjectKey($file));

        $this->assertTrue(AttachmentFile::lookup($file->id)->open()->unlink());
        $this->assertTrue(AttachmentFile::lookup($file->id)->open()->unlink());
        $this->assertSame([], self::systemLog('error'));
    }

    public function test_unlink_with_read_only_credentials_throws_ioexception_with_fix(): void
    {
        $file = $this->createFile('protected');
        osticket_double_reset();
        AttachmentFile::$table[$file->id] = $file;
        $this->installPlugin([
            'aws-key-id' => self::env('S3_TEST_READONLY_ACCESS_KEY'),
            'secret-access-key' => self::env('S3_TEST_READONLY_SECRET_KEY'),
        ]);

        try {
            AttachmentFile::lookup($file->id)->open()->unlink();
            $this->fail('unlink() with read-only credentials did not fail');
        } catch (IOException $e) {
            $this->assertStringContainsString('Fix:', $e->getMessage());
        }
        $this->assertNotNull($this->native()->head($this->expectedObjectKey($file)));
        $this->assertStringContainsString('Unable to delete attachment from S3', self::systemLog('error')[0]['title']);
    }
}
