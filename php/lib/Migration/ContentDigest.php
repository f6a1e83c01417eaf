<?php
/**
 * What a file's bytes must prove before its copy replaces the original:
 * their count (ost_file.size), osTicket's signature (ost_file.signature)
 * and the CRC32C the store confirms for its copy. Fed block by block, so a
 * file of any size is checked without holding it whole.
 *
 * osTicket's signature (AttachmentFile::_getKeyAndHash): the first 16
 * characters of the base64 SHA-1 of the content followed by the first 16
 * of its base64 MD5, with '+' and '/' made '-' and '_' and '=' dropped.
 */

namespace S3Native\Migration;

final class ContentDigest
{
    /** @var \HashContext */
    private $sha1;
    /** @var \HashContext */
    private $md5;
    /** @var \HashContext */
    private $crc32c;
    /** @var int */
    private $size = 0;
    /** @var array{signature: string, md5: string, crc32c: string}|null */
    private $final;

    public function __construct()
    {
        $this->sha1 = hash_init('sha1');
        $this->md5 = hash_init('md5');
        $this->crc32c = hash_init('crc32c');
    }

    public static function of(string $data): self
    {
        $d = new self();
        $d->update($data);
        return $d;
    }

    /**
     * The digest of bytes another process read and checked (ReaderProcess):
     * its values only, so update() and withSuffix() refuse.
     */
    public static function known(int $size, string $signature, string $md5, string $crc32c): self
    {
        $d = new self();
        $d->size = $size;
        $d->final = ['signature' => $signature, 'md5' => $md5, 'crc32c' => $crc32c];
        return $d;
    }

    public function update(string $data): void
    {
        if ($this->final !== null) {
            throw new \LogicException('ContentDigest: update() after the digest was read');
        }
        hash_update($this->sha1, $data);
        hash_update($this->md5, $data);
        hash_update($this->crc32c, $data);
        $this->size += strlen($data);
    }

    /** A digest of these bytes followed by $suffix; this one is left as it is. */
    public function withSuffix(string $suffix): self
    {
        if ($this->final !== null) {
            throw new \LogicException('ContentDigest: withSuffix() after the digest was read');
        }
        $copy = clone $this;
        $copy->sha1 = hash_copy($this->sha1);
        $copy->md5 = hash_copy($this->md5);
        $copy->crc32c = hash_copy($this->crc32c);
        $copy->update($suffix);
        return $copy;
    }

    public function size(): int
    {
        return $this->size;
    }

    /** osTicket's ost_file.signature for these bytes. */
    public function signature(): string
    {
        return $this->finish()['signature'];
    }

    /** Lowercase hex, as the extension reports a confirmed CRC32C. */
    public function crc32c(): string
    {
        return $this->finish()['crc32c'];
    }

    /** Lowercase hex, as the extension reports a confirmed MD5. */
    public function md5(): string
    {
        return $this->finish()['md5'];
    }

    /** @return array{signature: string, md5: string, crc32c: string} */
    private function finish(): array
    {
        if ($this->final === null) {
            $sha1 = base64_encode(hash_final($this->sha1, true));
            $md5 = hash_final($this->md5, true);
            $this->final = [
                'signature' => strtr(str_replace('=', '', substr($sha1, 0, 16) . substr(base64_encode($md5), 0, 16)),
                    '+/', '-_'),
                'md5' => bin2hex($md5),
                'crc32c' => hash_final($this->crc32c),
            ];
        }
        return $this->final;
    }
}
