<?php
// The calls that look at many objects at once, as an audit and a resumed
// migration use them: headMany, listObjects, listIncompleteUploads and
// abortIncompleteUpload. Each stays inside the backend's prefix.

declare(strict_types=1);

final class WholePrefixTest extends S3TestCase
{
    private ?FaultProxy $proxy = null;

    protected function tearDown(): void
    {
        $this->proxy?->stop();
        $this->proxy = null;
    }

    /** A backend on a prefix of its own, so listings see only this test. */
    private function isolated(array $overrides = []): S3AttachmentBackend
    {
        $prefix = 'whole-prefix-' . bin2hex(random_bytes(5));
        return self::backend(['prefix' => $prefix, 'multipart_threshold' => 5 << 20, 'part_size' => 5 << 20] + $overrides);
    }

    public function test_head_many_reports_each_key_by_itself(): void
    {
        $b = $this->isolated();
        $b->putString('a/1', 'one');
        $b->putString('a/22', str_repeat('2', 22));
        $b->putString('123', 'numeric key');
        $result = $b->headMany(['a/1', 'a/22', 'a/missing', '123', 'a/../escape'], 2);
        $this->assertSame(['a/1', 'a/22', 'a/missing', '123', 'a/../escape'], array_map('strval', array_keys($result)));
        $this->assertSame(3, $result['a/1']['size']);
        $this->assertSame(22, $result['a/22']['size']);
        $this->assertSame(hash('crc32c', 'one'), $result['a/1']['checksums']['crc32c'] ?? null);
        $this->assertNull($result['a/missing']);
        $this->assertSame(11, $result['123']['size'], 'a numeric key is found as PHP indexes it');
        $this->assertInstanceOf(S3AttachmentConfigException::class, $result['a/../escape'],
            'a refused key fails alone, unthrown');
        foreach (['a/1', 'a/22', '123'] as $key) {
            $b->delete($key);
        }
    }

    public function test_head_many_of_many_keys(): void
    {
        $b = $this->isolated();
        $q = $b->createUploadQueue(['jobs' => 8]);
        $keys = [];
        for ($i = 0; $i < 60; $i++) {
            $keys[] = "n/$i";
            $q->add((string) $i, "n/$i", str_repeat('x', $i));
        }
        $this->assertCount(60, array_filter($q->drain(), fn ($d) => $d['ok']));
        $keys[] = 'n/absent';
        $result = $b->headMany($keys, 16);
        for ($i = 0; $i < 60; $i++) {
            $this->assertSame($i, $result["n/$i"]['size'] ?? null, "n/$i");
            $b->delete("n/$i");
        }
        $this->assertNull($result['n/absent']);
    }

    public function test_head_many_as_aws_without_list_bucket(): void
    {
        $this->proxy = new FaultProxy('--missing-as-403');
        $b = $this->isolated(['endpoint' => $this->proxy->endpoint()]);
        $b->putString('here', 'x');
        $result = $b->headMany(['here', 'gone']);
        $this->assertSame(1, $result['here']['size']);
        $this->assertInstanceOf(S3AttachmentAccessDeniedException::class, $result['gone']);
        $this->assertStringContainsString('ListBucket', $result['gone']->getMessage());
        $b->delete('here');
    }

    public function test_head_many_refuses_what_is_not_a_list_of_keys(): void
    {
        $b = $this->isolated();
        foreach ([[['nested']], [42], [null]] as $keys) {
            try {
                $b->headMany($keys);
                $this->fail('accepted ' . json_encode($keys));
            } catch (S3AttachmentConfigException $e) {
                $this->assertStringContainsString('keys must be strings', $e->getMessage());
            }
        }
        $this->expectException(S3AttachmentConfigException::class);
        $b->headMany(['a'], 0);
    }

    public function test_list_objects_pages_through_the_prefix_only(): void
    {
        $b = $this->isolated();
        $names = ['b', 'a/x', 'a/y', 'c/d/e', 'z'];
        foreach ($names as $i => $name) {
            $b->putString($name, str_repeat('.', $i + 1));
        }
        // A neighbour whose prefix starts with the same characters as ours
        // ("p-neighbour/" beside "p/") must not be listed.
        $neighbour = self::backend(['prefix' => substr($b->objectKey('x'), 0, -2) . '-neighbour']);
        $neighbour->putString('n', 'n');
        $seen = [];
        $after = null;
        $pages = 0;
        do {
            $page = $b->listObjects($after, 2);
            $this->assertLessThanOrEqual(2, count($page['objects']));
            foreach ($page['objects'] as $o) {
                $seen[$o['key']] = $o['size'];
                $this->assertIsInt($o['last_modified']);
            }
            $after = $page['next'];
            $pages++;
        } while ($after !== null && $pages < 10);
        $expected = [];
        foreach ($names as $i => $name) {
            $expected[$name] = $i + 1;
        }
        ksort($expected);
        $this->assertSame($expected, $seen);
        $this->assertSame(3, $pages);
        foreach ($names as $name) {
            $b->delete($name);
        }
        $neighbour->delete('n');
        $this->assertSame(['objects' => [], 'next' => null], $b->listObjects());
    }

    public function test_listing_without_list_bucket_says_so(): void
    {
        $b = $this->isolated(['access_key_id' => getenv('S3_TEST_LIMITED_ACCESS_KEY'),
                              'secret_access_key' => getenv('S3_TEST_LIMITED_SECRET_KEY')]);
        try {
            $b->listObjects();
            $this->fail('the limited identity listed objects');
        } catch (S3AttachmentAccessDeniedException $e) {
            $this->assertSame('listObjects', $e->getOperation());
            $this->assertSame(403, $e->getHttpStatus());
        }
    }

    public function test_incomplete_uploads_are_listed_and_aborted(): void
    {
        $b = $this->isolated();
        $this->assertSame([], $b->listIncompleteUploads());
        $upload = $b->createUpload('big/file');
        $upload->write(self::bytes(6 << 20));   // past the threshold: a multipart upload is open
        $other = self::backend(['prefix' => 'whole-prefix-other-' . bin2hex(random_bytes(4)),
                                'multipart_threshold' => 5 << 20, 'part_size' => 5 << 20]);
        $elsewhere = $other->createUpload('elsewhere');
        $elsewhere->write(self::bytes(6 << 20));
        $listed = $b->listIncompleteUploads();
        $this->assertCount(1, $listed, 'only the upload under this prefix');
        $this->assertSame('big/file', $listed[0]['key']);
        $this->assertNotSame('', $listed[0]['upload_id']);
        $this->assertEqualsWithDelta(time(), $listed[0]['initiated'], 120);
        $b->abortIncompleteUpload($listed[0]['key'], $listed[0]['upload_id']);
        $this->assertSame([], $b->listIncompleteUploads());
        $b->abortIncompleteUpload($listed[0]['key'], $listed[0]['upload_id']); // already gone: fine
        $this->expectException(S3AttachmentException::class);
        try {
            $upload->finish();
        } finally {
            $elsewhere->abort();
            $this->assertSame([], $other->listIncompleteUploads());
        }
    }
}
