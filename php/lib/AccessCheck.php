<?php
/**
 * The check run when the configuration is saved: the bucket exists, and a
 * probe object can be written, read back and deleted inside the folder.
 */

namespace S3Native;

final class AccessCheck
{
    /**
     * @return array what the extension's checkAccess() reports
     * @throws \S3AttachmentException the first problem found
     */
    public static function run(BackendFactory $factory): array
    {
        $backend = $factory->forAccessCheck();
        self::requireBucket($backend);
        return $backend->checkAccess();
    }

    /**
     * Some S3-compatible stores (SeaweedFS, for one) create a missing bucket
     * on the first upload, so a mistyped bucket name would quietly become a
     * new bucket. Reading an object that cannot exist tells a missing bucket
     * (NoSuchBucket) from a missing object (NoSuchKey) with no side effect.
     * Anything else (e.g. AccessDenied: S3 answers so for absent objects when
     * s3:ListBucket is not granted) is left to checkAccess() to judge.
     */
    private static function requireBucket(\S3AttachmentBackend $backend): void
    {
        try {
            $backend->read('.s3-native-bucket-check/' . bin2hex(random_bytes(8)), 0, 1);
        } catch (\S3AttachmentNotFoundException $e) {
            if (strpos($e->getMessage(), 'NoSuchBucket') !== false) {
                throw $e;
            }
        } catch (\S3AttachmentAccessDeniedException $e) {
            // decided by checkAccess()
        }
    }
}
