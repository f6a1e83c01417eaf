<?php
/**
 * The check run when the configuration is saved: the bucket exists, and a
 * probe object can be written, read back and deleted inside the folder.
 *
 * It needs exactly the README's policy (s3:PutObject, s3:GetObject and
 * s3:DeleteObject on BUCKET/FOLDER/*): nothing here asks for a bucket-level
 * permission such as s3:ListBucket.
 */

namespace S3Native;

require_once __DIR__ . '/ErrorAdvisor.php';

final class AccessCheck
{
    /**
     * @return array what the extension's checkAccess() reports, with
     *         'warnings' => list<string> (empty when there is nothing to say)
     * @throws \S3AttachmentException the first problem found
     */
    public static function run(BackendFactory $factory): array
    {
        $backend = $factory->forAccessCheck();
        self::requireBucket($backend);
        $result = $backend->checkAccess();
        $warnings = $result['warnings'] ?? [];
        $result['warnings'] = is_array($warnings) ? array_values(array_filter($warnings, 'is_string')) : [];
        return $result;
    }

    /**
     * Some S3-compatible stores (SeaweedFS, for one) create a missing bucket
     * on the first upload, so a mistyped bucket name would quietly become a
     * new bucket. Reading an object that cannot exist tells a missing bucket
     * (NoSuchBucket) from a missing object (NoSuchKey) with no side effect.
     * AccessDenied is what S3 answers for an absent object when
     * s3:ListBucket is not granted (the README's policy): not a failure.
     */
    private static function requireBucket(\S3AttachmentBackend $backend): void
    {
        try {
            $backend->read('.s3-native-bucket-check/' . bin2hex(random_bytes(8)), 0, 1);
        } catch (\S3AttachmentNotFoundException $e) {
            if (ErrorAdvisor::s3Code($e) === 'NoSuchBucket') {
                throw $e;
            }
        } catch (\S3AttachmentAccessDeniedException $e) {
            // decided by checkAccess(), which needs only object permissions
        }
    }
}
