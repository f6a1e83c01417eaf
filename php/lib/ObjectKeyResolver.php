<?php
/**
 * Where a file's bytes live in S3: the one place object keys are computed.
 *
 * Layout (the official "Attachments hosted in Amazon S3" plugin's, kept so
 * its objects and ost_file rows work unchanged):
 *   object key  = "FOLDER/KEY", or "KEY" when the folder is empty,
 *                 where KEY is the ost_file row's own `key` column;
 *   ost_file.attrs = {"bucket":"…","folder":"…"}, recorded at write time.
 *
 * Which bucket and folder to use depends on whether the row's attrs are ours
 * (as they were when the backend object was made: see FileRef):
 * - a row whose backend is already '3' was written by us or by the official
 *   plugin: its attrs say where the object is, even if the configuration has
 *   changed since (another bucket, another folder);
 * - any other row (being created, or being migrated to S3: osTicket's
 *   read-back instance still carries the *source* backend's attrs) has no
 *   S3 attrs yet: the configured bucket and folder apply.
 */

namespace S3Native;

final class ObjectKeyResolver
{
    /** The character osTicket stores in ost_file.bk for S3 (the official plugin's). */
    const BACKEND_CHAR = '3';

    /** @var Settings */
    private $settings;

    public function __construct(Settings $settings)
    {
        $this->settings = $settings;
    }

    /** The object key for a file key in a folder. */
    public static function objectKey(string $folder, string $fileKey): string
    {
        return $folder === '' ? $fileKey : $folder . '/' . $fileKey;
    }

    /** Where a new object for this file is written. */
    public function forWrite(FileRef $file): ObjectLocation
    {
        return new ObjectLocation($this->settings->bucket, $this->settings->folder,
            $file->requireKey());
    }

    /**
     * Where this file's object may be, most likely first. Only rows of
     * the official plugin's first versions (no attrs) have two candidates.
     *
     * @return ObjectLocation[]
     */
    public function forRead(FileRef $file): array
    {
        $fileKey = $file->requireKey();
        if ($file->backend !== self::BACKEND_CHAR) {
            return [$this->forWrite($file)];
        }

        $attrs = self::parseAttrs($file->attrs);
        if ($attrs !== null) {
            // The folder is used verbatim: it is what the object was written under.
            return [new ObjectLocation(
                $attrs['bucket'] !== '' ? $attrs['bucket'] : $this->settings->bucket,
                $attrs['folder'], $fileKey)];
        }

        // An S3 row without attrs: the official plugin's current code reads
        // such rows from the bare KEY; its versions before attrs existed
        // wrote them under the then-configured folder.
        $candidates = [new ObjectLocation($this->settings->bucket, '', $fileKey)];
        if ($this->settings->folder !== '') {
            $candidates[] = $this->forWrite($file);
        }
        return $candidates;
    }

    /**
     * @return array{bucket: string, folder: string}|null null when the attrs
     *         are not an S3 location (empty, or another backend's)
     */
    public static function parseAttrs($attrs): ?array
    {
        if (!is_string($attrs) || $attrs === '') {
            return null;
        }
        $decoded = json_decode($attrs, true);
        if (!is_array($decoded)
                || !(array_key_exists('bucket', $decoded) || array_key_exists('folder', $decoded))) {
            return null;
        }
        return [
            'bucket' => is_string($decoded['bucket'] ?? null) ? $decoded['bucket'] : '',
            'folder' => is_string($decoded['folder'] ?? null) ? $decoded['folder'] : '',
        ];
    }

}

/** A bucket, a folder and a file key: one object. */
final class ObjectLocation
{
    /** @var string */
    public $bucket;
    /** @var string */
    public $folder;
    /** @var string the ost_file row's key */
    public $fileKey;

    public function __construct(string $bucket, string $folder, string $fileKey)
    {
        $this->bucket = $bucket;
        $this->folder = $folder;
        $this->fileKey = $fileKey;
    }

    public function objectKey(): string
    {
        return ObjectKeyResolver::objectKey($this->folder, $this->fileKey);
    }

    /** The ost_file.attrs value recording this location, as the official plugin writes it. */
    public function attrs(): string
    {
        return json_encode(['bucket' => $this->bucket, 'folder' => $this->folder],
            JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    }

    /** "s3://bucket/key", for messages. */
    public function describe(): string
    {
        return 's3://' . $this->bucket . '/' . $this->objectKey();
    }
}
