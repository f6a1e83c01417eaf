<?php
/**
 * The check run when the configuration is saved: the extension's
 * checkAccess() writes, reads back and deletes a probe object inside the
 * folder, and tells a missing bucket (NoSuchBucket) from a missing object.
 *
 * It needs exactly the README's policy (s3:PutObject, s3:GetObject and
 * s3:DeleteObject on BUCKET/FOLDER/*): no bucket-level permission such as
 * s3:ListBucket.
 */

namespace S3Native;

final class AccessCheck
{
    /**
     * @return array what the extension's checkAccess() reports, with
     *         'warnings' => list<string> (empty when there is nothing to say)
     * @throws \S3AttachmentException the first problem found
     */
    public static function run(BackendFactory $factory): array
    {
        $result = $factory->forAccessCheck()->checkAccess();
        // Extensions before 'warnings' existed report none.
        $warnings = $result['warnings'] ?? [];
        $result['warnings'] = is_array($warnings) ? array_values(array_filter($warnings, 'is_string')) : [];
        return $result;
    }
}
