<?php
/**
 * Native S3 exceptions -> messages an osTicket admin can act on.
 *
 * The extension's messages already name the operation, bucket, key and S3
 * error code. This class adds what osTicket knows and the extension does
 * not: which attachment was involved, which plugin setting to change, and
 * where in the Admin Panel to change it. It is the only place that knows
 * the extension's exception classes.
 */

namespace S3Native;

final class ErrorAdvisor
{
    /** Native option names (getOptionName()) mapped to the form field an admin edits. */
    const OPTION_FIELDS = [
        'sse_kms_key_id' => 'sse-kms-key-id',
        'server_side_encryption' => 'sse',
        'secret_access_key' => 'secret-access-key',
        'access_key_id' => 'aws-key-id',
        'storage_class' => 'storage-class',
        'path_style' => 'path-style',
        'ca_bundle' => 'endpoint',
        'endpoint' => 'endpoint',
        'region' => 'aws-region',
        'acl' => 'acl',
        'bucket' => 'bucket',
        'checksums' => 'checksums',
    ];

    /** S3 error codes (getS3Code()) that point at one setting; 'KMS.' matches a prefix. */
    const CODE_FIELDS = [
        'InvalidAccessKeyId' => 'aws-key-id',
        'SignatureDoesNotMatch' => 'secret-access-key',
        'AuthorizationHeaderMalformed' => 'aws-region',
        'PermanentRedirect' => 'aws-region',
        'IllegalLocationConstraintException' => 'aws-region',
        'AccessControlListNotSupported' => 'acl',
        'InvalidStorageClass' => 'storage-class',
        'KMS.' => 'sse-kms-key-id',
        'NoSuchBucket' => 'bucket',
        'InvalidBucketName' => 'bucket',
    ];

    const CONFIG_PAGE = 'Admin Panel > Manage > Plugins > Attachments in S3 (native extension)';

    /**
     * The message for an osTicket IOException when a storage operation failed.
     *
     * @param string $action what was attempted: "store", "read", "delete"…
     */
    public static function storageFailure(\Throwable $e, string $action, string $fileName,
            ?ObjectLocation $location, Settings $settings): string
    {
        return sprintf('Unable to %s attachment "%s"%s at %s: %s',
            $action, $fileName,
            $location ? ' (' . $location->describe() . ')' : '',
            $settings->endpointForDisplay(),
            self::withHint($e, self::hint($e, $settings, $location)));
    }

    /**
     * The form error for a failed configuration check on save.
     *
     * @return array{0: string|null, 1: string} [form field key or null for the whole form, message]
     */
    public static function configFailure(\Throwable $e, Settings $settings): array
    {
        return [self::fieldFor($e, $settings), self::withHint($e, self::hint($e, $settings, null))];
    }

    /**
     * The exception's message, then what to do in osTicket. The extension's
     * messages end with their own "Fix:" in terms of its option names; the
     * osTicket hint follows it, in terms of the form.
     */
    private static function withHint(\Throwable $e, string $hint): string
    {
        $message = self::sentence($e->getMessage());
        return $message . (strpos($message, 'Fix:') !== false ? ' In osTicket: ' : ' Fix: ') . $hint;
    }

    /** The form field an exception is about, if any. */
    public static function fieldFor(\Throwable $e, Settings $settings): ?string
    {
        if (self::isAboutChecksums($e)) {
            return 'checksums';
        }
        $code = self::s3Code($e);
        if ($code !== null) {
            foreach (self::CODE_FIELDS as $known => $field) {
                if ($code === $known || (substr($known, -1) === '.' && strpos($code, $known) === 0)) {
                    return $field;
                }
            }
        }
        if ($e instanceof \S3AttachmentConfigException) {
            $option = self::optionName($e);
            return $option !== null ? (self::OPTION_FIELDS[$option] ?? null) : null;
        }
        if ($e instanceof \S3AttachmentNotFoundException) {
            return 'bucket';
        }
        if ($e instanceof \S3AttachmentNetworkException) {
            return $settings->endpoint !== '' ? 'endpoint' : 'aws-region';
        }
        return null;
    }

    /**
     * The S3 error code of a failure (NoSuchBucket, AccessDenied…), null
     * when there is none: the extension's typed getter; other throwables
     * have none.
     */
    public static function s3Code(\Throwable $e): ?string
    {
        $code = $e instanceof \S3AttachmentException ? $e->getS3Code() : null;
        return is_string($code) && $code !== '' ? $code : null;
    }

    /**
     * A store that refuses or misreports the checksums of the chosen
     * "Integrity check" (the extension names its 'checksums' option on
     * any exception class then).
     */
    private static function isAboutChecksums(\Throwable $e): bool
    {
        return self::optionName($e) === 'checksums';
    }

    /** The native option a configuration error is about: the extension's typed getter. */
    public static function optionName(\Throwable $e): ?string
    {
        $option = $e instanceof \S3AttachmentException ? $e->getOptionName() : null;
        return is_string($option) && $option !== '' ? $option : null;
    }

    private static function hint(\Throwable $e, Settings $settings, ?ObjectLocation $location): string
    {
        $code = self::s3Code($e);
        $bucket = $location ? $location->bucket : $settings->bucket;
        $folder = $location ? $location->folder : $settings->folder;
        $resource = 'arn:aws:s3:::' . $bucket . '/' . ($folder !== '' ? $folder . '/' : '') . '*';

        if (self::isAboutChecksums($e)) {
            if ($settings->checksums === Settings::CHECKSUMS_CRC32C) {
                return 'this store does not handle the CRC32C checksums; set "Integrity check" to "MD5 (Content-MD5)" '
                    . 'in ' . self::CONFIG_PAGE . '.';
            }
            if ($settings->checksums === Settings::CHECKSUMS_MD5) {
                return 'this store does not confirm MD5s (its ETags are not the MD5 of the content: encryption or '
                    . 'compression on its side); set "Integrity check" to "CRC32C" in ' . self::CONFIG_PAGE
                    . ' if saving accepts it, else to "None" (migration then reads every copy back).';
            }
            return 'set "Integrity check" to another choice in ' . self::CONFIG_PAGE . '.';
        }
        if ($code === 'AccessControlListNotSupported') {
            return 'this bucket has ACLs disabled; set "Default ACL" to "Bucket default" in '
                . self::CONFIG_PAGE . '.';
        }
        if ($code === 'InvalidObjectState') {
            return 'the object is archived (Glacier or Deep Archive, e.g. by a lifecycle rule); '
                . 'restore it, and keep attachments in an instantly readable storage class.';
        }
        if (in_array($code, ['PermanentRedirect', 'AuthorizationHeaderMalformed',
                'IllegalLocationConstraintException'], true)) {
            return 'the bucket is in another region; set "AWS Region" to the bucket\'s region in '
                . self::CONFIG_PAGE . '.';
        }
        if ($e instanceof \S3AttachmentConfigException) {
            return 'correct the setting named above in ' . self::CONFIG_PAGE . '.';
        }
        if ($e instanceof \S3AttachmentAccessDeniedException) {
            if ($code === 'InvalidAccessKeyId' || $code === 'SignatureDoesNotMatch') {
                return 'the access key ID or secret is wrong; re-enter both in ' . self::CONFIG_PAGE
                    . ' (or leave both empty to use the server\'s AWS credentials).';
            }
            $hint = sprintf('check the credentials in %s (%s) and that their policy allows '
                . 's3:PutObject, s3:GetObject and s3:DeleteObject on %s%s.',
                self::CONFIG_PAGE,
                $settings->usesStaticKeys() ? 'access key ' . $settings->accessKeyId
                    : 'none set: the server\'s AWS credential chain is used',
                $resource,
                $settings->sse === 'aws:kms' ? ', and kms:GenerateDataKey and kms:Decrypt on the KMS key' : '');
            if ($location !== null) {
                // The README's policy has no s3:ListBucket, and without it S3
                // cannot say "no such key": it says 403.
                $hint .= ' Without s3:ListBucket, S3 answers 403 for an object that does not exist as '
                    . 'well: if other attachments are served, this object is probably missing from '
                    . 'the bucket (deleted or moved outside osTicket).';
            }
            return $hint;
        }
        if ($e instanceof \S3AttachmentNotFoundException) {
            if ($code === 'NoSuchBucket' || $location === null) {
                return sprintf('bucket "%s" does not exist at %s; create it, or correct the '
                    . 'bucket name, region or endpoint in %s.',
                    $bucket, $settings->endpointForDisplay(), self::CONFIG_PAGE);
            }
            return 'the object is missing from the bucket: it was deleted or moved outside osTicket '
                . '(check lifecycle rules and bucket versioning to recover it).';
        }
        if ($e instanceof \S3AttachmentNetworkException) {
            return sprintf('cannot reach %s; check the endpoint URL and port, DNS, firewall and proxy, '
                . 'and for HTTPS the server certificate (a private CA must be trusted by this server).',
                $settings->endpointForDisplay());
        }
        if ($e instanceof \S3AttachmentIntegrityException) {
            return 'the bytes S3 stored differ from the bytes sent; retry, and check for a proxy '
                . 'that alters request bodies.';
        }
        return 'see the S3 error code above; the settings are in ' . self::CONFIG_PAGE . '.';
    }

    /** Ends a message with a full stop, so the fix reads as its own sentence. */
    private static function sentence(string $message): string
    {
        $message = trim($message);
        if ($message === '') {
            return 'Unknown error.';
        }
        return preg_match('/[.!?]$/', $message) ? $message : $message . '.';
    }
}
