<?php
/**
 * Plugin settings -> native S3AttachmentBackend objects.
 *
 * One backend per bucket for the whole request: osTicket builds a new
 * storage-backend object for every file it touches (two per download), and
 * none of them should pay for configuration parsing again. The extension
 * itself keeps S3 clients per process, so php-fpm workers also reuse
 * connections and credentials across requests.
 *
 * Backends are built with an empty prefix: object keys (folder/KEY) are
 * computed by ObjectKeyResolver, because the folder of an existing file comes
 * from its attrs, not from the configuration.
 */

namespace S3Native;

final class BackendFactory
{
    /** Sent with every upload, as the official plugin does. */
    const CACHE_CONTROL = 'private, max-age=86400';

    /**
     * S3-compatible stores (MinIO, Ceph, SeaweedFS…) need some region to
     * sign requests with, and nearly all accept this one.
     */
    const COMPATIBLE_STORE_REGION = 'us-east-1';

    /** @var Settings */
    private $settings;
    /** @var array<string, \S3AttachmentBackend> bucket => backend */
    private $backends = [];

    public function __construct(Settings $settings)
    {
        $this->settings = $settings;
    }

    public function settings(): Settings
    {
        return $this->settings;
    }

    /** The backend for a bucket (the configured one, or one named in a file's attrs). */
    public function forBucket(string $bucket): \S3AttachmentBackend
    {
        if (!isset($this->backends[$bucket])) {
            $this->backends[$bucket] = new \S3AttachmentBackend($this->nativeOptions($bucket));
        }
        return $this->backends[$bucket];
    }

    /**
     * A backend for the configuration check on save: its probe object goes
     * inside the configured folder (IAM policies are often limited to it),
     * and an unreachable endpoint fails in seconds rather than minutes.
     */
    public function forAccessCheck(): \S3AttachmentBackend
    {
        $options = $this->nativeOptions($this->settings->bucket);
        $options['prefix'] = $this->settings->folder;
        $options['connect_timeout'] = 5;
        $options['operation_timeout'] = 30;
        $options['max_attempts'] = 1;
        return new \S3AttachmentBackend($options);
    }

    /** @return array<string, mixed> options for new \S3AttachmentBackend() */
    public function nativeOptions(string $bucket): array
    {
        $s = $this->settings;
        $options = [
            'bucket' => $bucket,
            'prefix' => '',
            'cache_control' => self::CACHE_CONTROL,
            'checksums' => $this->settings->checksums,
        ];
        if ($s->region !== '') {
            $options['region'] = $s->region;
        } elseif ($s->endpoint !== '') {
            $options['region'] = self::COMPATIBLE_STORE_REGION;
        }
        // No region and no endpoint: the AWS credential chain's region
        // (AWS_REGION, ~/.aws/config) applies.
        if ($s->endpoint !== '') {
            $options['endpoint'] = $s->endpoint;
        }
        if ($s->pathStyle) {
            $options['path_style'] = true;
        }
        if ($s->usesStaticKeys()) {
            $options['access_key_id'] = $s->accessKeyId;
            $options['secret_access_key'] = $s->secretAccessKey();
        }
        // Without keys the extension uses the standard AWS credential chain
        // (environment, ~/.aws, web identity, ECS, EC2 instance role).
        if ($s->acl !== '') {
            $options['acl'] = $s->acl;
        }
        if ($s->storageClass !== '') {
            $options['storage_class'] = $s->storageClass;
        }
        if ($s->sse !== '') {
            $options['server_side_encryption'] = $s->sse;
            if ($s->sse === 'aws:kms' && $s->sseKmsKeyId !== '') {
                $options['sse_kms_key_id'] = $s->sseKmsKeyId;
            }
        }
        return $options;
    }
}
