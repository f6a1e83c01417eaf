<?php
/**
 * Living next to the official "Attachments hosted in Amazon S3" plugin
 * (osTicket-plugins, id "storage:s3", class S3StoragePlugin).
 *
 * Both plugins register storage character '3'; osTicket keeps whichever
 * bootstraps last, i.e. whichever happens to come later in its plugin table.
 * Rather than leave that to load order, the conflict is reported with the fix.
 *
 * Switching should be one step: a new instance of this plugin starts with
 * the official plugin's bucket, folder, region, ACL and key, and its
 * encrypted secret is reused when the same key ID is kept.
 *
 * Everything here reads osTicket's own models and never throws: a failure
 * only means no conflict report or no pre-filled values.
 */

namespace S3Native;

final class OfficialPlugin
{
    const PLUGIN_ID = 'storage:s3';
    const PLUGIN_CLASS = 'S3StoragePlugin';
    const BACKEND_CLASS = 'S3StorageBackend';

    /** Is this osTicket plugin object the official S3 plugin? */
    public static function isOfficial($plugin): bool
    {
        if (!is_object($plugin)) {
            return false;
        }
        if (is_a($plugin, self::PLUGIN_CLASS)) {
            return true;
        }
        $info = property_exists($plugin, 'info') && is_array($plugin->info) ? $plugin->info : [];
        if (($info['id'] ?? null) === self::PLUGIN_ID) {
            return true;
        }
        // Defunct installs (files gone) still have their install path.
        $path = method_exists($plugin, 'getInstallPath') ? (string) $plugin->getInstallPath() : '';
        return (bool) preg_match('#(^|/)storage-s3(\.phar)?/?$#', $path);
    }

    /** @return array official plugins installed in this helpdesk (normally none or one) */
    public static function installed(): array
    {
        try {
            if (!class_exists('PluginManager', false)) {
                return [];
            }
            $found = [];
            foreach (\PluginManager::allInstalled() as $plugin) {
                if (self::isOfficial($plugin)) {
                    $found[] = $plugin;
                }
            }
            return $found;
        } catch (\Throwable $t) {
            return [];
        }
    }

    /** An enabled instance of an active official plugin, if any. */
    public static function activeInstance()
    {
        foreach (self::installed() as $plugin) {
            try {
                if (!$plugin->isActive()) {
                    continue;
                }
                foreach ($plugin->getInstances() as $instance) {
                    if ($instance->isEnabled()) {
                        return $instance;
                    }
                }
            } catch (\Throwable $t) {
                continue;
            }
        }
        return null;
    }

    /**
     * The official plugin's saved settings as this plugin's form values,
     * read raw from its config namespace (its classes may not even load).
     * Includes the decrypted secret under 'secret-access-key' when it can
     * be decrypted.
     *
     * @return array<string, string>
     */
    public static function savedSettings(): array
    {
        foreach (self::installed() as $plugin) {
            try {
                foreach ($plugin->getInstances() as $instance) {
                    $namespace = $instance->getNamespace();
                    $config = new \Config($namespace);
                    if (!$config->get('bucket')) {
                        continue;
                    }
                    $values = Settings::fromArray([
                        'bucket' => $config->get('bucket'),
                        'folder' => $config->get('folder'),
                        'aws-region' => $config->get('aws-region'),
                        'acl' => $config->get('acl'),
                        'aws-key-id' => $config->get('aws-key-id'),
                    ]);
                    $settings = [
                        'bucket' => $values->bucket,
                        'folder' => $values->folder,
                        'aws-region' => $values->region,
                        'acl' => $values->acl,
                        'aws-key-id' => $values->accessKeyId,
                    ];
                    $secret = self::decryptSecret((string) $config->get('secret-access-key'), $namespace);
                    if ($secret !== '') {
                        $settings['secret-access-key'] = $secret;
                    }
                    return $settings;
                }
            } catch (\Throwable $t) {
                continue;
            }
        }
        return [];
    }

    /** The official plugin encrypts its secret with SECRET_SALT and its config namespace. */
    private static function decryptSecret(string $cipher, string $namespace): string
    {
        if ($cipher === '' || !class_exists('Crypto') || !defined('SECRET_SALT')) {
            return '';
        }
        $plain = \Crypto::decrypt($cipher, SECRET_SALT, $namespace);
        return is_string($plain) ? $plain : '';
    }
}
