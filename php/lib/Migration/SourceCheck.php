<?php
/**
 * Whether bytes read from a file's source are that file: their count must be
 * ost_file.size and their osTicket signature ost_file.signature. A source
 * with a missing or altered chunk fails here, before anything is switched.
 *
 * One damage is osTicket's own and is repaired: its database backend writes
 * with `while ($block = substr(...))`, so a last 500 KiB block that is the
 * single character "0" is never stored (content "0" leaves no chunk at
 * all), and create() then records the shortened size. When the bytes read
 * plus "0" match the row's signature, that is the file's content, proven by
 * its SHA-1 and MD5, and the copy gets the "0" back.
 */

namespace S3Native\Migration;

final class SourceCheck
{
    /** The byte osTicket's database backend drops. */
    const DROPPED = '0';

    /**
     * @return ContentDigest the digest of the file's true content: $read, or
     *         $read plus the dropped "0" (compare its size with $read's to know)
     * @throws FileRejected
     */
    public static function verify(array $row, ContentDigest $read, string $source): ContentDigest
    {
        $expected = (int) $row['size'];
        $signature = (string) $row['signature'];
        if ($source === 'D' && $signature !== '') {
            $repaired = $read->withSuffix(self::DROPPED);
            if ($repaired->signature() === $signature && ($expected === $read->size() || $expected === $repaired->size())) {
                return $repaired;
            }
        }
        if ($read->size() !== $expected) {
            throw new FileRejected(sprintf('backend %s holds %d bytes of this file but ost_file.size is %d '
                . '(a missing or damaged part); left as it is', $source, $read->size(), $expected));
        }
        // Rows of very old helpdesks may have none: size and the store's CRC32C still apply.
        if ($signature !== '' && $read->signature() !== $signature) {
            throw new FileRejected(sprintf('the bytes in backend %s do not match ost_file.signature (%s read, '
                . '%s recorded): the content was altered; left as it is', $source, $read->signature(), $signature));
        }
        return $read;
    }
}
