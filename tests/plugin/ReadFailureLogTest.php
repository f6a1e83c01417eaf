<?php
/*
 * During an outage every image of every page fails to read. osTicket logs
 * an IOException and e-mails the admin for each one; the plugin logs read
 * failures without the e-mail, one entry a minute per kind of failure
 * (operation and exception class), saying how many it left out.
 */

class ReadFailureLogTest extends PluginTestCase
{
    /** @var int the clock SystemLog reads in these tests */
    private $now;

    protected function setUp(): void
    {
        parent::setUp();
        $this->now = 1800000000;
        S3Native\SystemLog::$clock = function () {
            return $this->now;
        };
    }

    protected function tearDown(): void
    {
        S3Native\SystemLog::$clock = null;
        parent::tearDown();
    }

    /** A file whose object is gone: each read fails with NotFound. */
    private function missingFile(string $name): AttachmentFile
    {
        $file = $this->createFile("content of $name", $name);
        $this->native()->delete($this->expectedObjectKey($file));
        return $file;
    }

    private static function failRead(AttachmentFile $file): void
    {
        try {
            AttachmentFile::lookup($file->id)->getData();
        } catch (RequestEnded $ended) {
            if ($ended->status !== 404) {
                throw $ended;
            }
            return;
        }
        throw new RuntimeException('the read did not fail');
    }

    public function test_repeated_read_failures_are_logged_once_a_minute_without_alert(): void
    {
        $this->installPlugin();
        $files = [$this->missingFile('a.png'), $this->missingFile('b.png'), $this->missingFile('c.png')];

        for ($page = 0; $page < 5; $page++) {
            foreach ($files as $file) {
                self::failRead($file); // 15 failures in the same minute
            }
            $this->now += 10;
        }
        $this->now += 10; // 60 s after the first entry
        self::failRead($files[0]);

        $errors = self::systemLog('error');
        $this->assertCount(2, $errors, json_encode($errors));
        $this->assertSame([false, false], array_column($errors, 'alert'), 'no alert e-mail for reads');
        $this->assertStringContainsString('a.png', $errors[0]['message']);
        $this->assertStringContainsString('Unable to read attachment from S3', $errors[0]['title']);
        $this->assertStringContainsString('14 more failures like this one in the 60 seconds', $errors[1]['message']);
    }

    public function test_each_kind_of_read_failure_gets_its_own_entry(): void
    {
        $otherBucket = self::bucket() . '-other';
        shell_exec(escapeshellarg(dirname(__DIR__, 2) . '/scripts/s3-curl.sh') . ' PUT '
            . escapeshellarg('/' . $otherBucket) . ' 2>&1');
        // The limited identity may not touch the other bucket: AccessDenied there, NotFound here.
        $this->installPlugin(self::limitedCredentials());
        $missing = $this->missingFile('gone.txt');
        $elsewhere = new AttachmentFile(['key' => AttachmentFile::generateKey(), 'name' => 'elsewhere.txt',
            'size' => 9, 'bk' => '3', 'attrs' => json_encode(['bucket' => $otherBucket, 'folder' => $this->folder])]);
        $elsewhere->save();

        for ($i = 0; $i < 3; $i++) {
            self::failRead($missing);
            self::failRead($elsewhere);
        }

        $errors = self::systemLog('error');
        $this->assertCount(2, $errors, json_encode($errors));
        $this->assertStringContainsString('gone.txt', $errors[0]['message']);
        $this->assertStringContainsString('elsewhere.txt', $errors[1]['message']);
    }

    public function test_upload_failures_still_alert_the_admin(): void
    {
        $this->installPlugin(['secret-access-key' => 'not-the-secret']);

        $info = ['name' => 'up.txt', 'type' => 'text/plain', 'data' => 'up', 'size' => 2];
        $file = AttachmentFile::create($info);

        $this->assertSame('D', (string) $file->bk, 'the upload failed');
        $errors = self::systemLog('error');
        $this->assertNotEmpty($errors);
        $this->assertTrue($errors[0]['alert'], 'a failed store is rare and loses nothing only by luck: alert');
    }
}
