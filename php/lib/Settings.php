<?php
/**
 * The plugin's configuration as one plain value object.
 *
 * osTicket hands configuration over in two shapes: the saved plugin config
 * (read once in bootstrap(), because osTicket clears it afterwards) and the
 * cleaned form data passed to pre_save(). Both are reduced to this object,
 * so the rest of the plugin never reads a form field key again.
 *
 * Written for PHP 8.0+ (osTicket 1.17 still supports 8.0): no readonly,
 * no enums.
 */

namespace S3Native;

final class Settings
{
    const DOWNLOAD_REDIRECT = 'redirect';
    const DOWNLOAD_PROXY = 'proxy';

    /** What S3 accepts for a presigned URL: 1 second to 7 days. */
    const MIN_URL_TTL = 1;
    const MAX_URL_TTL = 604800;
    const DEFAULT_URL_TTL = 3600;

    /** "Integrity check": what uploads carry for the store to verify (the extension's 'checksums'). */
    const CHECKSUMS_CRC32C = 'crc32c';
    const CHECKSUMS_MD5 = 'md5';
    const CHECKSUMS_NONE = 'none';
    const CHECKSUM_MODES = [self::CHECKSUMS_CRC32C, self::CHECKSUMS_MD5, self::CHECKSUMS_NONE];

    /**
     * osTicket keeps each file's attrs ({"bucket":…,"folder":…}) in
     * ost_file.attrs, a varchar(255): bucket and folder share it.
     */
    const MAX_ATTRS_LENGTH = 255;
    const MAX_FOLDER_LENGTH = 180;
    /** Buckets made in us-east-1 before March 2018 may have names of up to 255 characters. */
    const MAX_BUCKET_LENGTH = 255;

    /** Every form field key, with the value used when it is unset. */
    const FIELD_DEFAULTS = [
        'bucket' => '',
        'folder' => '',
        'aws-region' => '',
        'acl' => '',
        'aws-key-id' => '',
        'secret-access-key' => '',
        'endpoint' => '',
        'path-style' => false,
        'checksums' => self::CHECKSUMS_CRC32C,
        'storage-class' => '',
        'sse' => '',
        'sse-kms-key-id' => '',
        'download-mode' => self::DOWNLOAD_REDIRECT,
        'url-ttl' => self::DEFAULT_URL_TTL,
        'cron-migrate' => false,
    ];

    /** @var string */
    public $bucket;
    /** @var string folder inside the bucket for new objects, no leading or trailing slash */
    public $folder;
    /** @var string */
    public $region;
    /** @var string canned ACL, '' = send none (the bucket decides) */
    public $acl;
    /** @var string '' = the server's AWS credential chain */
    public $accessKeyId;
    /**
     * Secrets outside the objects, so var_dump, print_r and var_export of a
     * Settings never show them; read with secretAccessKey(). Keyed by a
     * number of our own, not spl_object_id(): a clone keeps the number and
     * so the secret, and each holder counts as one reference.
     * @var array<int, array{secret: string, holders: int}>
     */
    private static $secrets = [];
    /** @var int */
    private static $lastSecretId = 0;
    /** @var int|null this object's entry in self::$secrets */
    private $secretId;
    /** @var string */
    public $endpoint;
    /** @var bool */
    public $pathStyle;
    /** @var string self::CHECKSUMS_*: the extension's 'checksums' option */
    public $checksums;
    /** @var string */
    public $storageClass;
    /** @var string '', 'AES256' or 'aws:kms' */
    public $sse;
    /** @var string */
    public $sseKmsKeyId;
    /** @var string self::DOWNLOAD_REDIRECT or self::DOWNLOAD_PROXY */
    public $downloadMode;
    /** @var int seconds a signed download URL stays valid, at most */
    public $urlTtl;
    /** @var bool osTicket's cron moves files from the database to S3 (CronBatch) */
    public $cronMigrate = false;

    /**
     * @param array<string, mixed> $values form field key => value; missing keys take their default
     */
    public static function fromArray(array $values): self
    {
        $v = [];
        foreach (self::FIELD_DEFAULTS as $key => $default) {
            $v[$key] = array_key_exists($key, $values) && $values[$key] !== null
                ? $values[$key] : $default;
        }

        $s = new self();
        $s->bucket = self::text($v['bucket']);
        $s->folder = self::normalizeFolder(self::text($v['folder']));
        $s->region = self::text(self::choiceKey($v['aws-region']));
        $s->acl = self::text(self::choiceKey($v['acl']));
        $s->accessKeyId = self::text($v['aws-key-id']);
        // Whitespace around a pasted secret is a copy artefact: AWS secrets
        // never contain any.
        $s->secretId = ++self::$lastSecretId;
        self::$secrets[$s->secretId] = ['secret' => trim((string) $v['secret-access-key']), 'holders' => 1];
        $s->endpoint = rtrim(self::text($v['endpoint']), '/');
        $s->pathStyle = (bool) $v['path-style'];
        $checksums = self::text(self::choiceKey($v['checksums']));
        $s->checksums = in_array($checksums, self::CHECKSUM_MODES, true) ? $checksums : self::CHECKSUMS_CRC32C;
        $s->storageClass = self::text(self::choiceKey($v['storage-class']));
        $s->sse = self::text(self::choiceKey($v['sse']));
        $s->sseKmsKeyId = self::text($v['sse-kms-key-id']);
        $mode = self::text(self::choiceKey($v['download-mode']));
        $s->downloadMode = $mode === self::DOWNLOAD_PROXY
            ? self::DOWNLOAD_PROXY : self::DOWNLOAD_REDIRECT;
        $s->urlTtl = self::clampTtl(is_numeric($v['url-ttl'])
            ? (int) $v['url-ttl'] : self::DEFAULT_URL_TTL);
        $s->cronMigrate = filter_var($v['cron-migrate'], FILTER_VALIDATE_BOOLEAN);
        return $s;
    }

    /**
     * Reads a saved configuration (osTicket's PluginConfig, or anything with
     * get($key)). PasswordField has already decrypted the secret.
     */
    public static function fromConfig($config): self
    {
        $values = [];
        foreach (array_keys(self::FIELD_DEFAULTS) as $key) {
            $values[$key] = $config->get($key);
        }
        return self::fromArray($values);
    }

    /** "bucket/folder", as shown in Admin > Settings > System > Store Attachments. */
    public function describe(): string
    {
        return $this->folder === '' ? $this->bucket : $this->bucket . '/' . $this->folder;
    }

    public function usesStaticKeys(): bool
    {
        return $this->accessKeyId !== '';
    }

    public function redirectsDownloads(): bool
    {
        return $this->downloadMode === self::DOWNLOAD_REDIRECT;
    }

    /** The endpoint without any user:password@ part, for messages. */
    public function endpointForDisplay(): string
    {
        if ($this->endpoint === '') {
            return 'AWS S3' . ($this->region !== '' ? ' (' . $this->region . ')' : '');
        }
        return preg_replace('#^([a-z][a-z0-9+.-]*://)[^/@]*@#i', '$1', $this->endpoint);
    }

    public static function clampTtl(int $seconds): int
    {
        return max(self::MIN_URL_TTL, min(self::MAX_URL_TTL, $seconds));
    }

    /**
     * Folders are stored without surrounding slashes so that "a/" and "/a"
     * both give "a/KEY" (the official plugin would have written "a//KEY").
     */
    public static function normalizeFolder(string $folder): string
    {
        return trim($folder, "/ \t\r\n");
    }

    private static function text($value): string
    {
        return is_scalar($value) ? trim((string) $value) : '';
    }

    /**
     * osTicket's ChoiceField may yield the key, or {key: label} when read raw
     * (choices are stored as JSON). Either way, return the key.
     */
    private static function choiceKey($value)
    {
        if (is_string($value) && $value !== '' && $value[0] === '{') {
            $decoded = json_decode($value, true);
            if (is_array($decoded)) {
                $value = $decoded;
            }
        }
        if (is_array($value)) {
            if (!$value) {
                return '';
            }
            reset($value);
            return (string) key($value);
        }
        return $value;
    }

    /** '' when the server's AWS credential chain is to be used. */
    public function secretAccessKey(): string
    {
        return $this->secretId !== null ? (self::$secrets[$this->secretId]['secret'] ?? '') : '';
    }

    public function __clone()
    {
        if ($this->secretId !== null && isset(self::$secrets[$this->secretId])) {
            self::$secrets[$this->secretId]['holders']++;
        }
    }

    public function __destruct()
    {
        if ($this->secretId !== null && isset(self::$secrets[$this->secretId])
                && --self::$secrets[$this->secretId]['holders'] <= 0) {
            unset(self::$secrets[$this->secretId]);
        }
    }
}
