<?php
/*
 * The official plugin joined folder and key with a slash as typed: a folder
 * saved as "a/" gave objects "a//KEY", one saved as "/a" gave "/a/KEY", and
 * the folder went into attrs as typed. Such files are read, served (proxy
 * and redirect), deleted and migrated at exactly the stored key; files this
 * plugin creates go to FOLDER/KEY with the folder trimmed.
 *
 * SeaweedFS folds empty path segments ("a//KEY" and "a/KEY" are one object
 * there; AWS keeps them apart), so the bytes alone cannot tell whether the
 * stored key was used: fault_proxy.py --log-requests in front of it shows the paths
 * actually requested.
 */

class LegacyFolderKeysTest extends PluginTestCase
{
    /** @var RequestRecorder */
    private $recorder;

    protected function setUp(): void
    {
        parent::setUp();
        $this->recorder = new RequestRecorder();
    }

    protected function tearDown(): void
    {
        $this->recorder->stop();
        parent::tearDown();
    }

    /** @return array<string, array{0: string}> the folder as the admin typed it into the official plugin */
    public function shapes(): array
    {
        return ['folder typed with a trailing slash' => ['trailing'],
            'folder typed with a leading slash' => ['leading']];
    }

    private function typedFolder(string $shape): string
    {
        return $shape === 'trailing' ? $this->folder . '/' : '/' . $this->folder;
    }

    /**
     * An object and row as the official plugin left them: key = typed
     * folder . "/" . KEY, attrs with the folder as typed. Stored with
     * s3-curl.sh, because the extension writes only well-formed keys.
     *
     * @return array{0: AttachmentFile, 1: string} the row and the stored object key
     */
    private function officialFile(string $shape, string $data, string $type = 'text/plain'): array
    {
        $key = AttachmentFile::generateKey();
        $folder = $this->typedFolder($shape);
        $storedKey = $folder . '/' . $key;
        $this->assertStringContainsString('//', '/' . $storedKey, 'an empty path segment');
        $tmp = tempnam(sys_get_temp_dir(), 'legacy-');
        file_put_contents($tmp, $data);
        $code = shell_exec(escapeshellarg(dirname(__DIR__, 2) . '/scripts/s3-curl.sh') . ' PUT '
            . escapeshellarg('/' . self::bucket() . '/' . $storedKey) . ' -o /dev/null -w %{http_code} '
            . '-H ' . escapeshellarg("Content-Type: $type") . ' --data-binary @' . escapeshellarg($tmp));
        unlink($tmp);
        $this->assertSame('200', $code, 'storing the legacy object');
        $this->cleanupLater($storedKey);
        $file = new AttachmentFile(['key' => $key, 'name' => 'legacy.txt', 'type' => $type,
            'size' => strlen($data), 'bk' => '3', 'signature' => sha1($data),
            'attrs' => json_encode(['bucket' => self::bucket(), 'folder' => $folder])]);
        $file->save();
        return [$file, $storedKey];
    }

    private function pathOf(string $objectKey): string
    {
        return '/' . self::bucket() . '/' . $objectKey;
    }

    /** @dataProvider shapes */
    public function test_reads_the_object_at_its_stored_key(string $shape): void
    {
        $this->installPlugin(['endpoint' => $this->recorder->endpoint()]);
        [$file, $storedKey] = $this->officialFile($shape, "read as stored ($shape)");

        $this->assertSame("read as stored ($shape)", AttachmentFile::lookup($file->id)->getData());
        $this->assertSame([$this->pathOf($storedKey)], $this->recorder->paths('GET'));
        $this->assertSame([], self::systemLog('error'));
    }

    /** @dataProvider shapes */
    public function test_proxy_download_streams_the_object_at_its_stored_key(string $shape): void
    {
        $this->installPlugin(['endpoint' => $this->recorder->endpoint(), 'download-mode' => 'proxy']);
        [$file, $storedKey] = $this->officialFile($shape, "proxied ($shape)");

        $response = $this->answer(function () use ($file) {
            AttachmentFile::lookup($file->id)->download('attachment', 3600);
        });

        $this->assertSame([200, "proxied ($shape)"], [$response['status'], $response['body']]);
        $this->assertSame([$this->pathOf($storedKey)], $this->recorder->paths('GET'));
    }

    /** @dataProvider shapes */
    public function test_redirect_signs_the_stored_key(string $shape): void
    {
        $this->installPlugin(['endpoint' => $this->recorder->endpoint()]);
        [$file, $storedKey] = $this->officialFile($shape, "redirected ($shape)");

        $url = self::redirectUrlOf(function () use ($file) {
            AttachmentFile::lookup($file->id)->download('attachment', 600);
        });
        $response = self::fetch($url);

        $this->assertSame($this->pathOf($storedKey), parse_url($url, PHP_URL_PATH));
        $this->assertSame(200, $response['status'], 'the signature covers the path as requested');
        $this->assertSame("redirected ($shape)", $response['body']);
    }

    /** @dataProvider shapes */
    public function test_deletes_the_object_at_its_stored_key(string $shape): void
    {
        $this->installPlugin(['endpoint' => $this->recorder->endpoint()]);
        [$file, $storedKey] = $this->officialFile($shape, "deleted ($shape)");

        AttachmentFile::lookup($file->id)->delete();

        $this->assertSame([$this->pathOf($storedKey)], $this->recorder->paths('DELETE'));
        $this->assertNull($this->native()->head($storedKey), 'the object is gone');
        $this->assertSame([], self::systemLog('error'));
    }

    /** @dataProvider shapes */
    public function test_migrates_to_the_database_from_the_stored_key(string $shape): void
    {
        $this->installPlugin(['endpoint' => $this->recorder->endpoint()]);
        [$file, $storedKey] = $this->officialFile($shape, "migrated ($shape)");

        $cli = new FileManageCommand();
        $cli->migrate('D', '3');

        $this->assertSame("Migrated 1 files\n", $cli->stdout, $cli->stderr);
        $this->assertSame("migrated ($shape)", self::databaseBytes($file));
        $this->assertSame('D', AttachmentFile::lookup($file->id)->bk);
        $this->assertContains($this->pathOf($storedKey), $this->recorder->paths('GET'));
        $this->assertSame([$this->pathOf($storedKey)], $this->recorder->paths('DELETE'));
        $this->assertNull($this->native()->head($storedKey), 'the source object is deleted');
    }

    /** @dataProvider shapes */
    public function test_new_files_go_under_the_trimmed_folder(string $shape): void
    {
        // Saved through the config page, as typed into the official plugin.
        [$errors, $saved] = $this->saveNewInstance(['folder' => $this->typedFolder($shape),
            'endpoint' => $this->recorder->endpoint()]);
        $this->assertSame([], $errors);
        $this->assertSame($this->folder, $saved['folder'] ?? null);
        Request::reset();
        $this->bootstrapPlugins();
        $GLOBALS['cfg']->defaultStorageChar = '3';

        $file = $this->createFile("new ($shape)", 'new.txt', 'text/plain');

        $this->assertSame(['bucket' => self::bucket(), 'folder' => $this->folder], json_decode($file->attrs, true));
        $puts = $this->recorder->paths('PUT'); // the save check's probe, then the file
        $this->assertSame($this->pathOf($this->folder . '/' . $file->getKey()), end($puts));
        $this->assertSame([], array_filter($puts, function ($path) {
            return strpos($path, '//') !== false;
        }), 'no key this plugin writes has an empty path segment');
        $this->assertSame("new ($shape)", AttachmentFile::lookup($file->id)->getData());
    }
}
