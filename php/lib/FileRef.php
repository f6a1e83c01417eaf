<?php
/**
 * What the storage backend needs from osTicket's ost_file row, read once
 * when the backend object is made.
 *
 * Why a snapshot: `manage.php file migrate --backend 3 --to D` switches the
 * row to bk='D' and attrs=NULL *before* it calls unlink() on the S3 backend
 * object it read from. Reading the row again at that point would delete
 * from the configured folder instead of where the file really was.
 */

namespace S3Native;

final class FileRef
{
    /** @var string the row's `key` column: 32 URL-safe base64 characters, mixed case */
    public $key = '';
    /** @var string */
    public $name = '';
    /** @var string MIME type */
    public $type = '';
    /** @var int|null null when osTicket did not know it yet */
    public $size;
    /** @var string the row's `bk` column */
    public $backend = '';
    /** @var string|null the row's `attrs` column */
    public $attrs;
    /** @var string the row's `signature`: content hash, osTicket's ETag */
    public $signature = '';
    /** @var int|null Unix time the file was created (osTicket's Last-Modified) */
    public $lastModified;
    /** @var bool */
    public $exists = false;

    /** @param object|null $meta osTicket's AttachmentFile, or null (settings page probe) */
    public static function capture($meta): self
    {
        $ref = new self();
        if (!is_object($meta)) {
            return $ref;
        }
        $ref->exists = true;
        $ref->key = (string) $meta->getKey();
        $ref->name = (string) $meta->getName();
        $ref->type = (string) $meta->getType();
        $size = $meta->getSize();
        $ref->size = is_numeric($size) ? (int) $size : null;
        $ref->backend = (string) $meta->getBackend();
        $attrs = $meta->getAttrs();
        $ref->attrs = is_string($attrs) ? $attrs : null;
        // osTicket's own ETag is getSignature(true); its Last-Modified, lastModified().
        $ref->signature = (string) $meta->getSignature(true);
        $ref->lastModified = self::utcTime(method_exists($meta, 'lastModified') ? $meta->lastModified() : null);
        return $ref;
    }

    /**
     * From an ost_file row as the database returns it (the command-line
     * tools read rows in bulk, not through osTicket's AttachmentFile).
     *
     * @param array<string, mixed> $row columns key, name, type, size, bk, attrs, signature, created
     */
    public static function fromRow(array $row): self
    {
        $ref = new self();
        $ref->exists = true;
        $ref->key = (string) ($row['key'] ?? '');
        $ref->name = (string) ($row['name'] ?? '');
        $ref->type = (string) ($row['type'] ?? '');
        $ref->size = isset($row['size']) && is_numeric($row['size']) ? (int) $row['size'] : null;
        $ref->backend = (string) ($row['bk'] ?? '');
        $ref->attrs = isset($row['attrs']) && is_string($row['attrs']) ? $row['attrs'] : null;
        $ref->signature = (string) ($row['signature'] ?? '');
        $ref->lastModified = self::utcTime($row['created'] ?? null);
        return $ref;
    }

    /** osTicket's datetime columns ("Y-m-d H:i:s", UTC) as Unix time; null when unreadable. */
    private static function utcTime($datetime): ?int
    {
        $time = is_string($datetime) ? strtotime($datetime . ' GMT') : false;
        return $time === false ? null : $time;
    }

    /** The key, or an exception saying why there is none. */
    public function requireKey(): string
    {
        if (!$this->exists) {
            throw new \InvalidArgumentException(
                'this storage backend object was made without a file (osTicket does that only to list backends)');
        }
        if ($this->key === '') {
            throw new \InvalidArgumentException('the ost_file row has an empty key');
        }
        return $this->key;
    }

    /** A name for messages. */
    public function label(): string
    {
        return $this->name !== '' ? $this->name : ($this->key !== '' ? $this->key : '(no file)');
    }
}
