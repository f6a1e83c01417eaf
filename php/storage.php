<?php
/**
 * The osTicket plugin: registers storage backend '3' (S3) backed by the
 * native s3_attachments extension.
 *
 * This file is included on every request of the helpdesk, web and CLI. A
 * fatal error here blanks every page and breaks manage.php, so nothing that
 * needs the extension is loaded before the extension is known to be there.
 */

use S3Native\BackendFactory;
use S3Native\Migration\CronBatch;
use S3Native\ObjectKeyResolver;
use S3Native\OfficialPlugin;
use S3Native\Settings;
use S3Native\SystemLog;

// Installed twice (the folder and the .phar, say), osTicket includes this
// file once per copy. Declaring the classes again would be a fatal error on
// every request, the admin panel where the fix is made included: the second
// copy declares nothing and osTicket runs the first one's classes for both.
// (PHP may have declared this file's own class before this line runs.)
if (class_exists('S3NativeStoragePlugin', false)
        && ($s3NativeFirst = dirname((new ReflectionClass('S3NativeStoragePlugin'))->getFileName())) !== __DIR__) {
    $s3NativeWhere = function (string $dir): string {
        $dir = preg_replace('#^phar://#', '', $dir);
        return defined('INCLUDE_DIR') && strpos($dir, INCLUDE_DIR) === 0
            ? 'include/' . substr($dir, strlen(INCLUDE_DIR)) : $dir;
    };
    SystemLog::errorOncePerHour('installed-twice', sprintf('This plugin is installed twice, from %s and '
        . 'from %s; osTicket runs the code of the first for both. Fix: in Admin Panel > Manage > Plugins, '
        . 'delete the one you do not keep, then remove it from include/plugins/.',
        $s3NativeWhere($s3NativeFirst), $s3NativeWhere(__DIR__)));
    return;
}

require_once __DIR__ . '/lib/Settings.php';
require_once __DIR__ . '/lib/SystemLog.php';
require_once __DIR__ . '/lib/OfficialPlugin.php';
require_once __DIR__ . '/config.php';

class S3NativeStoragePlugin extends Plugin
{
    var $config_class = 'S3NativeStorageConfig';

    /** osTicket's storage registry has one slot per character: one instance only. */
    function isMultiInstance()
    {
        return false;
    }

    /**
     * Runs once per request with this instance's config side-loaded;
     * osTicket clears the config afterwards, so everything needed later is
     * captured here.
     */
    function bootstrap()
    {
        SystemLog::whileBootstrapping(function () {
            $this->registerBackend();
        });
    }

    private function registerBackend(): void
    {
        if (!extension_loaded('s3_attachments')) {
            SystemLog::errorOncePerHour('extension-missing', 'Attachments stored in S3 are unavailable: '
                . S3NativeStorageConfig::extensionMissingMessage()
                . ' Until then this plugin registers no storage backend.');
            return;
        }

        $settings = Settings::fromConfig($this->getConfig());
        if ($settings->bucket === '') {
            SystemLog::errorOncePerHour('not-configured', 'The S3 storage plugin is enabled but has no '
                . 'bucket configured; it registers no storage backend. Configure it in Admin Panel > '
                . 'Manage > Plugins.');
            return;
        }

        require_once __DIR__ . '/backend.php';
        S3NativeStorageBackend::configure(new BackendFactory($settings));
        S3NativeStorageBackend::$desc = sprintf('S3 (%s)', $settings->describe());

        $this->reportConflictWithOfficialPlugin();
        FileStorageBackend::register(ObjectKeyResolver::BACKEND_CHAR, 'S3NativeStorageBackend');

        require_once __DIR__ . '/lib/Autoload.php';
        if ($settings->cronMigrate) {
            Signal::connect('cron', [CronBatch::class, 'onCron']);
        }
    }

    /**
     * A new instance starts with the official S3 plugin's settings, if that
     * plugin has been configured here (its secret is reused on save when the
     * key ID is kept; secrets are never put into a form).
     */
    function getNewInstanceDefaults($options)
    {
        $defaults = parent::getNewInstanceDefaults($options);
        $official = OfficialPlugin::savedSettings();
        unset($official['secret-access-key']);
        if ($official) {
            $defaults = array_merge(is_array($defaults) ? $defaults : [], $official, [
                'name' => 'S3 (' . Settings::fromArray($official)->describe() . ')',
            ]);
        }
        return $defaults;
    }

    /**
     * Both plugins claim storage character '3' and osTicket keeps the one
     * that happens to bootstrap last: say so, with the fix.
     */
    private function reportConflictWithOfficialPlugin(): void
    {
        $registered = FileStorageBackend::isRegistered(ObjectKeyResolver::BACKEND_CHAR)
            ? FileStorageBackend::allRegistered(true)[ObjectKeyResolver::BACKEND_CHAR] : null;
        $registeredOther = $registered !== null && $registered !== 'S3NativeStorageBackend';
        if (!$registeredOther && !OfficialPlugin::activeInstance()) {
            return;
        }
        SystemLog::errorOncePerHour('official-plugin-conflict', sprintf(
            'Two plugins store attachments as backend "3": this one and the official "Attachments '
            . 'hosted in Amazon S3" plugin%s. osTicket uses whichever loads last, so attachments may '
            . 'be written or read by either. Fix: in Admin Panel > Manage > Plugins, disable the '
            . 'official plugin (this one reads its files where they are: same bucket, folders and '
            . 'ost_file rows).',
            $registeredOther ? sprintf(' (%s was registered first)', $registered) : ''));
    }
}
