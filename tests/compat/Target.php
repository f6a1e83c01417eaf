<?php
// The stores the compatibility suite runs against, and what the default
// 'crc32c' mode can do on each. 'md5' and 'none' must work on every one.

declare(strict_types=1);

final class Target
{
    /** crc32c works as on AWS. */
    public const CRC32C_WORKS = 'works';
    /** The store refuses the checksum headers: every request carrying one fails, naming 'md5'. */
    public const CRC32C_REFUSED = 'refused';
    /** The store reports a wrong CRC32C for multipart objects: their whole reads fail, naming 'md5'. */
    public const CRC32C_WRONG_MULTIPART = 'wrong-multipart';

    /**
     * @param list<string>|null $proxyArgs fault_proxy.py modes in front of SeaweedFS, or null
     */
    private function __construct(
        public readonly string $name,
        public readonly string $crc32c,
        public readonly bool $moto = false,
        public readonly ?array $proxyArgs = null,
    ) {
    }

    /** @return array<string, Target> */
    public static function all(): array
    {
        $targets = [
            // The project's reference store: SigV4, Content-MD5 and CRC32C checked, like AWS.
            new self('seaweedfs', self::CRC32C_WORKS),
            // A second implementation: moto_server 5.2.5 computes CRC32 where
            // CRC32C is asked for a multipart object (its crc32c package is an
            // optional extra), and checks no signature at all.
            new self('moto', self::CRC32C_WRONG_MULTIPART, moto: true),
            // Backblaze B2: 400 InvalidArgument "Unsupported header ..." for any checksum header.
            new self('b2-like (--reject-checksum-headers)', self::CRC32C_REFUSED, proxyArgs: ['--reject-checksum-headers']),
            // Stores without aws-chunked bodies; the extension never sends them, so crc32c works.
            new self('no aws-chunked (--reject-aws-chunked)', self::CRC32C_WORKS, proxyArgs: ['--reject-aws-chunked']),
            // moto's wrong multipart CRC32C, reproduced in front of SeaweedFS.
            new self('wrong multipart crc32c (--wrong-multipart-checksum)', self::CRC32C_WRONG_MULTIPART,
                proxyArgs: ['--wrong-multipart-checksum']),
        ];
        $out = [];
        foreach ($targets as $t) {
            $out[$t->name] = $t;
        }
        return $out;
    }

    /** What this target does with a checksums mode: one of the CRC32C_* constants. */
    public function fate(string $mode): string
    {
        return $mode === 'crc32c' ? $this->crc32c : self::CRC32C_WORKS;
    }

    /** Bucket, endpoint and keys of the store behind the target (moto or SeaweedFS). */
    public function storeOptions(): array
    {
        if ($this->moto) {
            return [
                'bucket' => getenv('MOTO_TEST_BUCKET'),
                'endpoint' => getenv('MOTO_TEST_ENDPOINT'),
                'access_key_id' => getenv('MOTO_TEST_ACCESS_KEY'),
                'secret_access_key' => getenv('MOTO_TEST_SECRET_KEY'),
            ];
        }
        return [
            'bucket' => getenv('S3_TEST_BUCKET'),
            'endpoint' => getenv('S3_TEST_ENDPOINT'),
            'access_key_id' => getenv('S3_TEST_ACCESS_KEY'),
            'secret_access_key' => getenv('S3_TEST_SECRET_KEY'),
        ];
    }
}
