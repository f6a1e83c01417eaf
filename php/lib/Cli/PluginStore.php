<?php
/**
 * Backend `3` as the running helpdesk configured it, for the command-line
 * tools: the native S3AttachmentBackend of a bucket, and where an ost_file
 * row's object is (or goes), computed by the plugin's own classes
 * (FileRef, ObjectKeyResolver, BackendFactory), so a tool can never
 * disagree with what the plugin itself writes and reads.
 *
 * Rows are plain arrays of ost_file columns (id, key, name, type, size, bk,
 * attrs, signature, created), as the tools read them in bulk.
 */

namespace S3Native\Cli;

use S3Native\BackendFactory;
use S3Native\FileRef;
use S3Native\ObjectKeyResolver;
use S3Native\ObjectLocation;
use S3Native\Settings;

final class PluginStore
{
    /** @var BackendFactory */
    private $factory;
    /** @var ObjectKeyResolver */
    private $resolver;

    public function __construct(BackendFactory $factory)
    {
        $this->factory = $factory;
        $this->resolver = new ObjectKeyResolver($factory->settings());
    }

    /**
     * The store of the enabled plugin instance, once osTicket has
     * bootstrapped its plugins.
     *
     * @throws CannotStart naming what is missing and how to fix it
     */
    public static function fromPlugin(): self
    {
        if (!extension_loaded('s3_attachments')) {
            throw new CannotStart('the s3_attachments PHP extension is not loaded in this PHP ('
                . PHP_BINARY . ', ' . (php_ini_loaded_file() ?: 'no php.ini') . '). Enable it for the '
                . 'command-line PHP too (e.g. phpenmod s3_attachments), or run the command with '
                . '"php -d extension=s3_attachments".');
        }
        $factory = class_exists('S3NativeStorageBackend', false)
            ? \S3NativeStorageBackend::configuredFactory() : null;
        if ($factory === null || !\FileStorageBackend::isRegistered(ObjectKeyResolver::BACKEND_CHAR)) {
            throw new CannotStart('the S3 storage plugin did not register backend "3" in this helpdesk: '
                . 'install and enable "Attachments in S3 (native extension)" and give its instance a bucket '
                . 'in Admin Panel > Manage > Plugins (the system log says why it did not start).');
        }
        $registered = \FileStorageBackend::allRegistered(true)[ObjectKeyResolver::BACKEND_CHAR];
        if ($registered !== 'S3NativeStorageBackend') {
            throw new CannotStart("backend \"3\" is registered by $registered, not by this plugin: disable the "
                . 'official "Attachments hosted in Amazon S3" plugin in Admin Panel > Manage > Plugins.');
        }
        return new self($factory);
    }

    public function settings(): Settings
    {
        return $this->factory->settings();
    }

    public function factory(): BackendFactory
    {
        return $this->factory;
    }

    /** The native backend of a bucket (one per bucket for the whole run). */
    public function backend(ObjectLocation $location): \S3AttachmentBackend
    {
        return $this->factory->forBucket($location->bucket);
    }

    /** The backend of the configured bucket: where new objects go. */
    public function configuredBackend(): \S3AttachmentBackend
    {
        return $this->factory->forBucket($this->settings()->bucket);
    }

    /**
     * Where the row's object is: for a row in backend 3, the bucket and
     * folder its attrs recorded (the most likely candidate for legacy rows
     * without attrs); for any other row, where the plugin would write it.
     */
    public function location(array $row): ObjectLocation
    {
        return $this->resolver->forRead(FileRef::fromRow($row))[0];
    }

    /**
     * Every place the row's object may be (only legacy rows of backend 3
     * without attrs have two).
     * @return ObjectLocation[]
     */
    public function candidateLocations(array $row): array
    {
        return $this->resolver->forRead(FileRef::fromRow($row));
    }

    /** Where the plugin writes this row's object now (configured bucket and folder). */
    public function writeLocation(array $row): ObjectLocation
    {
        return $this->resolver->forWrite(FileRef::fromRow($row));
    }

    /** Content-Type and Cache-Control exactly as the plugin's backend writes them. */
    public function uploadOptions(array $row): array
    {
        return \S3NativeStorageBackend::uploadOptionsFor(FileRef::fromRow($row));
    }
}
