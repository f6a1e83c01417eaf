<?php
// The calls on many objects (the upload queue, headMany, listObjects,
// listIncompleteUploads) on every target in every checksums mode: the same
// checks as one putString() or head(), so a store that cannot take a mode
// fails each completion with the error that names the mode that works.

declare(strict_types=1);

final class ManyObjectsTest extends CompatTestCase
{
    /** @dataProvider targetsAndModes */
    public function test_upload_queue_and_head_many(Target $t, string $mode): void
    {
        $b = $this->backend($t, $mode);
        $fate = $t->fate($mode);
        $bodies = [];
        for ($i = 0; $i < 12; $i++) {
            $bodies[$this->key("q$i")] = self::bytes(1000 + 4099 * $i, "q$i-$mode");
        }
        $queue = $b->createUploadQueue(['jobs' => 4]);
        foreach ($bodies as $key => $data) {
            $queue->add($key, $key, $data);
        }
        $done = $queue->drain();
        $this->assertCount(count($bodies), $done);
        foreach ($done as $d) {
            if ($fate === Target::CRC32C_REFUSED) {
                $this->assertFalse($d['ok'], "{$d['tag']}: stored although the store refuses the mode");
                $this->assertChecksumsFailure($d['error'], $fate, 'a queued upload');
                self::direct($t)->putString($d['key'], $bodies[$d['key']]);  // for the HEADs below
            } else {
                $this->assertTrue($d['ok'], "{$d['tag']}: " . ($d['error'] ? $d['error']->getMessage() : ''));
                $this->assertPutResult($d, $bodies[$d['key']], $mode, 'a queued upload');
            }
        }

        $missing = $this->key('missing');
        $heads = $b->headMany(array_merge(array_keys($bodies), [$missing]), 8);
        foreach ($bodies as $key => $data) {
            if ($fate === Target::CRC32C_REFUSED) {
                $this->assertChecksumsFailure($heads[$key], $fate, 'headMany', false);
            } else {
                $this->assertSame(strlen($data), $heads[$key]['size'] ?? null, "headMany: $key");
            }
        }
        if ($fate !== Target::CRC32C_REFUSED) {
            $this->assertNull($heads[$missing]);
        }
        foreach (array_keys($bodies) as $key) {
            self::direct($t)->delete($key);
        }
        $this->assertProxyIdle($t, $mode);
    }

    /** @dataProvider targetsAndModes */
    public function test_listings(Target $t, string $mode): void
    {
        $b = $this->backend($t, $mode);
        $keys = [$this->key('l1'), $this->key('l2'), $this->key('l3')];
        foreach ($keys as $i => $key) {
            self::direct($t)->putString($key, str_repeat('l', $i + 1));
        }
        $listed = [];
        $after = null;
        do {
            $page = $b->listObjects($after, 1);
            foreach ($page['objects'] as $o) {
                $listed[$o['key']] = $o['size'];
            }
        } while (($after = $page['next']) !== null);
        foreach ($keys as $i => $key) {
            $this->assertSame($i + 1, $listed[$key] ?? null, "listObjects: $key");
        }

        $upload = self::direct($t)->createUpload($this->key('open'));
        $upload->write(self::bytes(self::PART + 1, 'open'));   // a multipart upload is open now
        $open = array_values(array_filter($b->listIncompleteUploads(), fn ($u) => $u['key'] === $upload->key()
            || str_ends_with($upload->key(), '/' . $u['key'])));
        $this->assertCount(1, $open, 'listIncompleteUploads finds the open upload');
        $b->abortIncompleteUpload($open[0]['key'], $open[0]['upload_id']);
        $this->assertSame([], array_filter($b->listIncompleteUploads(), fn ($u) => $u['upload_id'] === $open[0]['upload_id']));
        foreach ($keys as $key) {
            self::direct($t)->delete($key);
        }
        $this->assertProxyIdle($t, $mode);
    }
}
