<?php
/**
 * The plugin's configuration form, and the check that runs when it is saved.
 *
 * Field keys of the official S3 plugin are kept (bucket, folder, aws-region,
 * acl, aws-key-id, secret-access-key), so its settings carry over.
 * Saving runs a real check (the bucket exists; an object inside the folder
 * can be written, read and deleted) through the extension and shows what is
 * wrong, on the field to change.
 */

use S3Native\AccessCheck;
use S3Native\BackendFactory;
use S3Native\ErrorAdvisor;
use S3Native\ObjectLocation;
use S3Native\OfficialPlugin;
use S3Native\Settings;
use S3Native\SystemLog;

require_once __DIR__ . '/lib/Settings.php';
require_once __DIR__ . '/lib/BackendFactory.php';
require_once __DIR__ . '/lib/AccessCheck.php';
require_once __DIR__ . '/lib/ErrorAdvisor.php';
require_once __DIR__ . '/lib/ObjectKeyResolver.php';
require_once __DIR__ . '/lib/OfficialPlugin.php';
require_once __DIR__ . '/lib/SystemLog.php';

class S3NativeStorageConfig extends PluginConfig
{
    /** PasswordField encrypts with SECRET_SALT and this sub-key. */
    const SECRET_SUBKEY = 'storage:s3-native';

    /** The secret's form field; its value is kept encrypted in this object. */
    const SECRET_FIELD = 'secret-access-key';

    /** Regions offered as examples; any region name is accepted. */
    const KNOWN_REGIONS = 'us-east-1, us-east-2, us-west-1, us-west-2, ca-central-1, eu-west-1, '
        . 'eu-west-2, eu-west-3, eu-central-1, eu-central-2, eu-north-1, eu-south-1, ap-south-1, '
        . 'ap-southeast-1, ap-southeast-2, ap-northeast-1, ap-northeast-2, ap-east-1, sa-east-1, '
        . 'me-south-1, af-south-1';

    /**
     * The secret's input box (lib/SecretWidget.php). When it cannot be
     * loaded the form offers no box at all rather than osTicket's stock one,
     * which puts the posted secret back into the page. A property so that
     * tests can name a class that does not exist.
     * @var string
     */
    public static $secretWidget = 'S3NativeSecretWidget';

    /** @var bool PluginConfig's constructor is reading the saved values */
    private $loading = false;

    /**
     * osTicket's PluginConfig keeps every saved value decoded in the object,
     * the secret decrypted, where var_export, print_r or a debugger shows it.
     * Here the secret stays as stored, encrypted, and get() decrypts it for
     * each caller.
     */
    function __construct($namespace, $defaults = [])
    {
        $this->loading = true;
        try {
            parent::__construct($namespace, $defaults);
        } finally {
            $this->loading = false;
        }
        unset($this->_config[self::SECRET_FIELD]);
    }

    function get($key, $default = null)
    {
        $value = parent::get($key, $default);
        if ($key !== self::SECRET_FIELD || $this->loading || !is_string($value) || $value === '') {
            return $value;
        }
        $secret = $this->getOptions()[self::SECRET_FIELD]->to_php($value);
        return is_string($secret) ? $secret : $default;
    }

    function getOptions()
    {
        // Only here are osTicket's form classes certainly loaded.
        if (class_exists('PasswordWidget')) {
            require_once __DIR__ . '/lib/SecretWidget.php';
        }
        if (class_exists('Widget')) {
            require_once __DIR__ . '/lib/SecretUnavailableWidget.php';
        }
        return [
            'bucket' => new TextboxField([
                'label' => 'S3 Bucket',
                'required' => true,
                'configuration' => ['size' => 40, 'length' => Settings::MAX_BUCKET_LENGTH],
            ]),
            'folder' => new TextboxField([
                'label' => 'S3 Folder Path',
                'hint' => 'New attachments are stored as FOLDER/KEY. Existing files keep the '
                    . 'bucket and folder recorded when they were stored.',
                'configuration' => ['size' => 40, 'length' => Settings::MAX_FOLDER_LENGTH],
            ]),
            'aws-region' => new TextboxField([
                'label' => 'AWS Region',
                'hint' => 'The bucket\'s region, e.g. ' . self::KNOWN_REGIONS . '. Empty: the '
                    . 'server\'s AWS configuration decides (us-east-1 with a custom endpoint).',
                'configuration' => ['size' => 20, 'length' => 40, 'placeholder' => 'us-east-1'],
            ]),
            'acl' => new ChoiceField([
                'label' => 'Default ACL for Attachments',
                'hint' => 'Buckets created since 2023 have ACLs disabled and refuse uploads '
                    . 'that carry one: keep "Bucket default" unless you know you need an ACL.',
                'choices' => [
                    '' => 'Bucket default (send no ACL)',
                    'private' => 'Private',
                    'bucket-owner-full-control' => 'Full Control for Bucket Owners',
                    'bucket-owner-read' => 'Read for Bucket Owners',
                    'authenticated-read' => 'Read for AWS authenticated Users',
                    'public-read' => 'Public Read (not recommended)',
                    'public-read-write' => 'Public Read and Write (not recommended)',
                ],
                'default' => '',
            ]),

            'access-info' => new SectionBreakField([
                'label' => 'Access Information',
                'hint' => 'Leave both empty to use the web server\'s AWS credentials: instance '
                    . 'or task role, web identity, environment, or ~/.aws of the PHP user.',
            ]),
            'aws-key-id' => new TextboxField([
                'label' => 'AWS Access Key ID',
                'required' => false,
                'configuration' => ['size' => 40, 'length' => 128],
            ]),
            'secret-access-key' => new PasswordField([
                'label' => 'AWS Secret Access Key',
                'required' => false,
                'hint' => 'Stored encrypted and never shown again; leave empty to keep the saved one.',
                // The default validator is the agent password policy, and the
                // fallback "formula" check rejects secrets starting with "+".
                'validator' => 'noop',
                // Never puts the secret back into the page (see lib/SecretWidget.php).
                'widget' => self::secretWidgetClass(),
                'configuration' => ['size' => 40, 'length' => 128, 'key' => self::SECRET_SUBKEY],
            ]),

            'compatible-info' => new SectionBreakField([
                'label' => 'S3-compatible storage',
                'hint' => 'For MinIO, Ceph, Cloudflare R2, Wasabi, SeaweedFS and similar stores.',
            ]),
            'endpoint' => new TextboxField([
                'label' => 'Endpoint URL',
                'hint' => 'e.g. https://minio.example.com:9000. Empty for Amazon S3.',
                'configuration' => ['size' => 40, 'length' => 255],
            ]),
            'path-style' => new BooleanField([
                'label' => 'Path-style addressing',
                'configuration' => ['desc' => 'Address the bucket as ENDPOINT/BUCKET (most '
                    . 'S3-compatible stores need this)'],
            ]),

            'checksums' => new ChoiceField([
                'label' => 'Integrity check',
                'hint' => 'What every upload carries for the store to verify. Saving tests the choice: '
                    . 'a store that refuses it is reported with the setting to choose.',
                'choices' => [
                    Settings::CHECKSUMS_CRC32C => 'CRC32C, verified by the store (Amazon S3, SeaweedFS and '
                        . 'stores that support the current S3 checksums)',
                    Settings::CHECKSUMS_MD5 => 'MD5 (Content-MD5): for S3-compatible stores that refuse '
                        . 'or misreport the newer checksums (Backblaze B2, Cloudflare R2, older MinIO and Ceph…)',
                    Settings::CHECKSUMS_NONE => 'None: the store checks nothing (migration reads every '
                        . 'copy back instead)',
                ],
                'default' => Settings::CHECKSUMS_CRC32C,
            ]),

            'storage-info' => new SectionBreakField([
                'label' => 'Storage and encryption',
            ]),
            'storage-class' => new ChoiceField([
                'label' => 'Storage class',
                'hint' => 'Archive classes (Glacier Flexible Retrieval, Deep Archive) are not '
                    . 'offered: attachments must be readable at once.',
                'choices' => [
                    '' => 'Bucket default',
                    'STANDARD' => 'Standard',
                    'INTELLIGENT_TIERING' => 'Intelligent-Tiering',
                    'STANDARD_IA' => 'Standard-Infrequent Access',
                    'ONEZONE_IA' => 'One Zone-Infrequent Access',
                    'GLACIER_IR' => 'Glacier Instant Retrieval',
                ],
                'default' => '',
            ]),
            'sse' => new ChoiceField([
                'label' => 'Server-side encryption',
                'choices' => [
                    '' => 'Bucket default',
                    'AES256' => 'S3-managed keys (SSE-S3, AES256)',
                    'aws:kms' => 'AWS KMS (SSE-KMS)',
                ],
                'default' => '',
            ]),
            'sse-kms-key-id' => new TextboxField([
                'label' => 'KMS key ID',
                'hint' => 'With SSE-KMS only; empty uses the account\'s aws/s3 key.',
                'configuration' => ['size' => 40, 'length' => 255],
            ]),

            'download-info' => new SectionBreakField([
                'label' => 'Downloads',
            ]),
            'download-mode' => new ChoiceField([
                'label' => 'Serve downloads',
                'choices' => [
                    Settings::DOWNLOAD_REDIRECT => 'Redirect the browser to a signed S3 URL',
                    Settings::DOWNLOAD_PROXY => 'Stream through osTicket (when browsers cannot reach the store)',
                ],
                'default' => Settings::DOWNLOAD_REDIRECT,
            ]),
            'url-ttl' => new TextboxField([
                'label' => 'Signed URL lifetime (seconds)',
                'hint' => 'At most; never longer than osTicket\'s own link. 1 to 604800.',
                'validator' => 'number',
                'default' => Settings::DEFAULT_URL_TTL,
                'configuration' => ['size' => 8, 'length' => 6],
            ]),

            'maintenance-info' => new SectionBreakField([
                'label' => 'Maintenance',
            ]),
            'cron-migrate' => new BooleanField([
                'label' => 'Move attachments from the database to S3 during cron',
                'default' => false,
                'configuration' => ['desc' => 'While S3 is the default store, each cron run moves a batch of '
                    . 'files out of the database (a few seconds from the staff panel\'s auto-cron, up to 45 s '
                    . 'from api/cron.php), verified as the s3-attachments migrate command does, and writes a '
                    . 'one-line summary to the system log. Files osTicket stored in the database when S3 failed '
                    . 'move on their own.'],
            ]),
        ];
    }

    function getFormOptions()
    {
        $options = [
            'title' => 'Attachments in S3 (native extension)',
            'instructions' => 'Saving checks the settings by writing, reading and deleting a '
                . 'small probe object in the folder.',
        ];
        $notices = [];
        if (!extension_loaded('s3_attachments')) {
            $notices[] = self::extensionMissingMessage();
        }
        if (!self::secretWidgetAvailable()) {
            $notices[] = self::secretWidgetMissingMessage();
        }
        if ($notices) {
            $options['notice'] = implode(' ', $notices);
        }
        return $options;
    }

    /**
     * The widget class for the secret: ours, else one that shows only an
     * error (lib/SecretUnavailableWidget.php). Never null, which would mean
     * osTicket's stock password box.
     */
    static function secretWidgetClass(): string
    {
        if (self::secretWidgetAvailable() || !class_exists('S3NativeSecretUnavailableWidget', false)) {
            // Without osTicket's Widget class no form can be rendered at all.
            return static::$secretWidget;
        }
        return 'S3NativeSecretUnavailableWidget';
    }

    static function secretWidgetAvailable(): bool
    {
        return class_exists(static::$secretWidget, false);
    }

    static function secretWidgetMissingMessage(): string
    {
        return 'The secret access key cannot be entered on this page: the plugin\'s secret box '
            . '(lib/SecretWidget.php, built on osTicket\'s PasswordWidget) is not available in this '
            . 'osTicket, and osTicket\'s stock box would send the secret back to the browser. A saved '
            . 'secret is kept. Fix: reinstall the plugin in a version made for this osTicket, or leave '
            . 'the key ID and secret empty to use the web server\'s AWS credentials.';
    }

    /**
     * Validates the form, then proves the settings against the store.
     * Each problem is shown on the field to change, with the fix.
     */
    function pre_save(&$config, &$errors)
    {
        $keyId = trim((string) ($config['aws-key-id'] ?? ''));
        $typedSecret = trim((string) ($config['secret-access-key'] ?? ''));
        $secret = $typedSecret !== '' ? $typedSecret : (string) $this->get('secret-access-key');
        if ($typedSecret !== '') {
            $config['secret-access-key'] = $typedSecret;
        } elseif ($secret === '' && $keyId !== '') {
            // Switching from the official plugin with the same key: reuse its secret.
            $official = OfficialPlugin::savedSettings();
            if (($official['aws-key-id'] ?? null) === $keyId && isset($official['secret-access-key'])) {
                $secret = $official['secret-access-key'];
                $config['secret-access-key'] = $secret; // stored encrypted by PasswordField
            }
        }

        $values = $config;
        $values['secret-access-key'] = $secret;
        $settings = Settings::fromArray($values);

        if ($settings->bucket === '') {
            $this->reportError($errors, 'bucket', 'Enter the name of the S3 bucket.');
        }
        if ($typedSecret !== '' && !self::secretWidgetAvailable()) {
            // Only a hand-made request can carry one: the page offers no box.
            $this->reportError($errors, 'secret-access-key', self::secretWidgetMissingMessage());
        } elseif ($keyId !== '' && $secret === '') {
            $this->reportError($errors, 'secret-access-key', self::secretWidgetAvailable()
                ? 'Enter the secret for this access key ID, or clear the key ID to use the server\'s '
                    . 'AWS credentials.'
                : self::secretWidgetMissingMessage());
        }
        if ($keyId === '' && $typedSecret !== '') {
            $this->reportError($errors, 'aws-key-id', 'Enter the access key ID that goes with this secret.');
        }
        if ($settings->sseKmsKeyId !== '' && $settings->sse !== 'aws:kms') {
            $this->reportError($errors, 'sse', 'A KMS key ID needs "AWS KMS (SSE-KMS)" encryption.');
        }
        $attrs = (new ObjectLocation($settings->bucket, $settings->folder, ''))->attrs();
        if (strlen($settings->folder) > Settings::MAX_FOLDER_LENGTH) {
            $this->reportError($errors, 'folder', sprintf('Use at most %d characters: the folder is '
                . 'recorded with every file in a %d-character column.', Settings::MAX_FOLDER_LENGTH,
                Settings::MAX_ATTRS_LENGTH));
        } elseif (strlen($attrs) > Settings::MAX_ATTRS_LENGTH) {
            $this->reportError($errors, 'folder', sprintf('Shorten the folder (or use a bucket with a '
                . 'shorter name): osTicket records the bucket and folder with every file in a '
                . '%d-character column, and these two take %d characters there.',
                Settings::MAX_ATTRS_LENGTH, strlen($attrs)));
        }
        $ttl = $config['url-ttl'] ?? Settings::DEFAULT_URL_TTL;
        if ($ttl !== '' && $ttl !== null && (!is_numeric($ttl) || (int) $ttl < Settings::MIN_URL_TTL
                || (int) $ttl > Settings::MAX_URL_TTL)) {
            $this->reportError($errors, 'url-ttl', sprintf('Enter a number of seconds from %d to %d.',
                Settings::MIN_URL_TTL, Settings::MAX_URL_TTL));
        }
        if ($errors) {
            return false;
        }

        if (!extension_loaded('s3_attachments')) {
            $this->reportError($errors, null, self::extensionMissingMessage() . ' Then save again.');
            return false;
        }
        try {
            $result = AccessCheck::run(new BackendFactory($settings));
        } catch (\Throwable $e) {
            list($field, $message) = ErrorAdvisor::configFailure($e, $settings);
            $this->reportError($errors, $field, $message);
            return false;
        }
        self::showWarnings($result['warnings']);

        // Store what was checked: the folder and endpoint without stray slashes.
        $config['folder'] = $settings->folder;
        $config['endpoint'] = $settings->endpoint;
        return true;
    }

    static function extensionMissingMessage(): string
    {
        return 'The s3_attachments PHP extension is not loaded by this PHP ('
            . PHP_VERSION . ', ' . PHP_SAPI . '). Install it and enable it for every PHP the '
            . 'helpdesk runs under (on Debian: phpenmod s3_attachments, then restart php-fpm or '
            . 'Apache).';
    }

    /**
     * What the check found worth knowing but not worth refusing (e.g. an
     * http:// endpoint: what travels in clear). Shown as a warning banner
     * above the saved form where osTicket has its Messages API (1.17+), else
     * written to the system log.
     *
     * @param string[] $warnings
     */
    private static function showWarnings(array $warnings): void
    {
        foreach ($warnings as $warning) {
            if (class_exists('Messages') && method_exists('Messages', 'warning')) {
                // osTicket prints banners as HTML.
                Messages::warning(htmlspecialchars($warning, ENT_QUOTES, 'UTF-8'));
            } else {
                SystemLog::warning($warning);
            }
        }
    }

    /** Shows $message on the field (if any) and at the top of the form. */
    private function reportError(&$errors, ?string $field, string $message): void
    {
        if ($field !== null && ($formField = $this->getForm()->getField($field))) {
            $formField->addError($message);
            $errors[$field] = $message;
        }
        if (!isset($errors['err'])) {
            $errors['err'] = $message;
        }
    }
}
