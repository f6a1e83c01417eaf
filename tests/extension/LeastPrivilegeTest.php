<?php
// The README's IAM policy: object read, write and delete under the folder,
// nothing on the bucket (no s3:ListBucket). The limited SeaweedFS identity
// has exactly that, under S3_TEST_LIMITED_FOLDER/*; SeaweedFS still answers
// 404 for a missing key, so each case also runs through fault_proxy
// --missing-as-403, which answers as AWS does for such credentials (403 for
// a missing key and for anything on the bucket itself).

declare(strict_types=1);

final class LeastPrivilegeTest extends S3TestCase
{
    private ?FaultProxy $proxy = null;

    protected function setUp(): void
    {
        foreach (['S3_TEST_LIMITED_ACCESS_KEY', 'S3_TEST_LIMITED_SECRET_KEY', 'S3_TEST_LIMITED_FOLDER'] as $name) {
            $this->assertNotEmpty(getenv($name),
                "$name is not set: restart the test server (scripts/s3-server.sh stop; start) and eval \"\$(scripts/s3-server.sh env)\"");
        }
    }

    protected function tearDown(): void
    {
        $this->proxy?->stop();
        $this->proxy = null;
    }

    public static function stores(): array
    {
        return ['SeaweedFS directly (404 for a missing key)' => [false],
                'as AWS without s3:ListBucket (403 for a missing key)' => [true]];
    }

    /** The limited identity, on a prefix under its folder (or $prefix). */
    private function limited(bool $asAws, ?string $prefix = null): S3AttachmentBackend
    {
        $overrides = ['access_key_id' => getenv('S3_TEST_LIMITED_ACCESS_KEY'),
                      'secret_access_key' => getenv('S3_TEST_LIMITED_SECRET_KEY'),
                      'prefix' => $prefix ?? getenv('S3_TEST_LIMITED_FOLDER') . '/' . getmypid() . '-' . bin2hex(random_bytes(3))];
        if ($asAws) {
            $this->proxy = new FaultProxy('--missing-as-403');
            $overrides['endpoint'] = $this->proxy->endpoint();
        }
        return self::backend($overrides);
    }

    /** @dataProvider stores */
    public function test_check_access_succeeds_and_leaves_no_probe(bool $asAws): void
    {
        $b = $this->limited($asAws);
        $result = $b->checkAccess();
        $this->assertTrue($result['ok']);
        $this->assertSame([], store_keys(dirname($result['probe_key']) . '/'), 'the probe was deleted');
    }

    /** @dataProvider stores */
    public function test_put_read_head_and_delete_work(bool $asAws): void
    {
        $b = $this->limited($asAws);
        $small = $this->key('small');
        $large = $this->key('large');
        $data = self::bytes(7 * self::MIB, 'least-privilege');
        $b->putString($small, 'hello');
        $b->putString($large, $data); // multipart: no extra permission on AWS
        $this->assertSame('hello', $b->read($small));
        $this->assertSame(substr($data, 5 * self::MIB, 100), $b->read($large, 5 * self::MIB, 100));
        $this->assertSame(7 * self::MIB, $b->head($large)['size']);
        $this->assertTrue($b->delete($small));
        $this->assertTrue($b->delete($large));
        $this->assertTrue($b->delete($large), 'deleting again still succeeds');
        $this->assertSame([], store_keys(dirname($b->objectKey($small)) . '/'), 'nothing left');
    }

    public function test_head_of_a_missing_key_is_null_where_the_store_says_404(): void
    {
        $this->assertNull($this->limited(false)->head($this->key('missing')));
    }

    public function test_head_of_a_missing_key_is_access_denied_where_the_store_says_403(): void
    {
        $b = $this->limited(true);
        $key = $this->key('missing');
        try {
            $b->head($key);
            $this->fail('head() of a key the store answers 403 for returned');
        } catch (S3AttachmentAccessDeniedException $e) {
            $this->assertSame(403, $e->getCode());
            $this->assertStringContainsString('ListBucket', $e->getMessage(),
                'the message must say a missing object looks like this without s3:ListBucket');
            $this->assertStringContainsString($key, $e->getMessage(), 'the message names the object');
        }
    }

    public function test_the_identity_is_refused_outside_its_folder(): void
    {
        // Guards the tests above: the identity is scoped to FOLDER/*, as the
        // README's policy is, not to the whole bucket.
        $outside = $this->limited(false, 'outside-the-folder-' . bin2hex(random_bytes(3)));
        try {
            $outside->putString('k', 'x');
            $this->fail('the limited identity wrote outside its folder');
        } catch (S3AttachmentAccessDeniedException $e) {
            $this->assertSame(403, $e->getCode());
        }
        try {
            $outside->checkAccess();
            $this->fail('checkAccess passed outside the folder');
        } catch (S3AttachmentAccessDeniedException $e) {
            $this->assertStringContainsString('s3:PutObject', $e->getMessage(), 'the fix names the permission');
        }
    }
}
