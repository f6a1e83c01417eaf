<?php
/**
 * osTicket storage backend '3': attachments in S3 through the native
 * s3_attachments extension. Each method is osTicket's contract mapped onto
 * one S3AttachmentBackend call; nothing here speaks HTTP.
 *
 * Method signatures are exactly those of osTicket's FileStorageBackend
 * (include/class.file.php): a different parameter list is a fatal error at
 * load time, which takes the whole helpdesk down.
 *
 * Loaded by the plugin's bootstrap() only, once the extension is known to be
 * loaded (and osTicket's FileStorageBackend and IOException exist).
 */

use S3Native\BackendFactory;
use S3Native\ChunkReader;
use S3Native\DeleteFailed;
use S3Native\DownloadAnswer;
use S3Native\HttpExchange;
use S3Native\PhpHttpExchange;
use S3Native\ErrorAdvisor;
use S3Native\FileRef;
use S3Native\ObjectKeyResolver;
use S3Native\ObjectLocation;
use S3Native\ReadFailed;
use S3Native\Settings;
use S3Native\StorageError;
use S3Native\SystemLog;
use S3Native\UploadFailed;

require_once __DIR__ . '/lib/Settings.php';
require_once __DIR__ . '/lib/FileRef.php';
require_once __DIR__ . '/lib/ObjectKeyResolver.php';
require_once __DIR__ . '/lib/BackendFactory.php';
require_once __DIR__ . '/lib/ChunkReader.php';
require_once __DIR__ . '/lib/ErrorAdvisor.php';
require_once __DIR__ . '/lib/SystemLog.php';
require_once __DIR__ . '/lib/StorageError.php';
require_once __DIR__ . '/lib/HttpExchange.php';
require_once __DIR__ . '/lib/DownloadAnswer.php';

class S3NativeStorageBackend extends FileStorageBackend
{
    static $desc = 'S3 (native extension)';

    /**
     * `manage.php file migrate` reads the source in blocks of this size and
     * write()s each: 8 MiB makes each block a sensible multipart part.
     */
    static $blocksize = 8388608;

    /** Chunk size for read() when osTicket asks for "the default" (0). */
    const READ_CHUNK = 1048576;

    /** How long browsers may keep a logo or backdrop, as osTicket's display() says. */
    const LOGO_MAX_AGE = 86400;

    /** @var BackendFactory|null set by the plugin's bootstrap() */
    private static $factory;
    /** @var HttpExchange|null the request being answered; tests set their own */
    private static $http;

    /** @var FileRef the ost_file row as it was when this object was made */
    private $file;
    /** @var \S3AttachmentUpload|null upload in progress between write() and flush() */
    private $upload;
    /** @var ObjectLocation|null where this object wrote */
    private $writtenTo;
    /** @var array|null what S3 confirmed for the last completed upload */
    private $stored;
    /** @var int bytes passed to write() */
    private $bytesWritten = 0;
    /** @var ChunkReader|null open streaming GET for read() */
    private $reader;
    /** @var ObjectLocation|null where this object reads from */
    private $location;

    /** Called by the plugin's bootstrap() with the configuration it captured. */
    public static function configure(BackendFactory $factory): void
    {
        self::$factory = $factory;
    }

    /** @param AttachmentFile|null $meta null when osTicket only lists backends */
    function __construct($meta)
    {
        parent::__construct($meta);
        $this->file = FileRef::capture($meta);
    }

    /** Streams a block into the object; the upload starts at the first block. */
    function write($data)
    {
        try {
            if (!$this->upload) {
                $this->writtenTo = $this->resolver()->forWrite($this->file);
                $this->stored = null;
                $this->bytesWritten = 0;
                $this->upload = $this->nativeFor($this->writtenTo)
                    ->createUpload($this->writtenTo->objectKey(), $this->uploadOptions());
            }
            $data = (string) $data;
            if ($data !== '') {
                $this->upload->write($data);
            }
            $this->bytesWritten += strlen($data);
            return true;
        } catch (\Throwable $e) {
            $this->abortUpload();
            throw $this->failure(UploadFailed::class, 'store', $e, $this->writtenTo);
        }
    }

    /** Completes the upload begun by write(); with no write() at all, stores an empty object. */
    function flush()
    {
        try {
            if ($this->upload) {
                $this->refuseIncompleteCopy();
                $upload = $this->upload;
                $this->upload = null;
                $this->stored = $upload->finish();
                return true;
            }
            if ($this->stored !== null) {
                return true; // flushed already
            }
            $this->refuseIncompleteCopy();
            $this->writtenTo = $this->resolver()->forWrite($this->file);
            $this->stored = $this->nativeFor($this->writtenTo)
                ->putString($this->writtenTo->objectKey(), '', $this->uploadOptions());
            return true;
        } catch (\Throwable $e) {
            $this->abortUpload();
            throw $this->failure(UploadFailed::class, 'store', $e, $this->writtenTo);
        }
    }

    /** Streams a file from disk, synchronously (PHP deletes upload temp files at request end). */
    function upload($filepath)
    {
        try {
            $this->abortUpload();
            $this->writtenTo = $this->resolver()->forWrite($this->file);
            $this->stored = $this->nativeFor($this->writtenTo)
                ->putFile($this->writtenTo->objectKey(), (string) $filepath, $this->uploadOptions());
            return true;
        } catch (\Throwable $e) {
            throw $this->failure(UploadFailed::class, 'store', $e, $this->writtenTo);
        }
    }

    /**
     * `manage.php file migrate` reads the source with this block size, and
     * its loop stops at a block that is the string "0". With the file's size
     * known, a block size that would leave a one-byte last block is avoided.
     */
    function getBlockSize()
    {
        $size = (int) $this->file->size;
        $block = static::$blocksize;
        while ($size > 2 && $block > 2 && $size % $block === 1) {
            $block--;
        }
        return $block;
    }

    /**
     * The next chunk of one streaming GET: at most $amount bytes (0: the
     * default size), false at the end. $offset skips bytes from the current
     * position, as osTicket's database backend does. Never returns "0".
     */
    function read($amount = 0, $offset = 0)
    {
        $amount = (int) $amount > 0 ? (int) $amount : self::READ_CHUNK;
        $offset = max(0, (int) $offset);
        try {
            if (!$this->reader) {
                $location = $this->locate();
                $this->reader = new ChunkReader(
                    $this->nativeFor($location)->openRead($location->objectKey(), $offset));
            } elseif ($offset > 0) {
                $this->reader->skip($offset);
            }
            $chunk = $this->reader->next($amount);
        } catch (\Throwable $e) {
            throw $this->failure(ReadFailed::class, 'read', $e, $this->location);
        }
        if ($chunk === '0') {
            // The object's whole content is "0": osTicket's read loops take
            // that for the end of the file, so refuse rather than lose it.
            throw $this->failure(ReadFailed::class, 'read',
                new \UnexpectedValueException('its entire content is the single character "0", '
                    . 'which osTicket\'s read loop cannot receive; serve it with passthru() instead.'),
                $this->location);
        }
        return $chunk === '' ? false : $chunk;
    }

    /** Streams the whole object to PHP's output (so ob_start() in getData() captures it). */
    function passthru()
    {
        $location = null;
        try {
            $location = $this->locate();
            $this->nativeFor($location)->passthru($location->objectKey());
        } catch (\Throwable $e) {
            throw $this->failure(ReadFailed::class, 'read', $e, $location);
        }
    }

    /**
     * osTicket calls this before it sends any content header, for every
     * download (file.php) and for logos and backdrops (display(), no $ttl).
     * Redirect mode sends the browser to a signed S3 URL that stays the same
     * for a while (so its cache works); proxy mode, and logos in either mode
     * (a 302 osTicket marks cacheable for a day must not outlive its URL),
     * are answered here with ranges and revalidation. Either way the request
     * ends here.
     */
    function sendRedirectUrl($disposition = 'inline', $ttl = false)
    {
        $settings = self::factory()->settings();
        if (!$this->file->exists) {
            return false;
        }
        $disposition = strcasecmp((string) $disposition, 'inline') === 0 ? 'inline' : 'attachment';
        $url = $settings->redirectsDownloads() && $ttl !== false ? $this->signedUrl($disposition, $ttl, $settings) : null;
        if ($url !== null) {
            Http::redirect($url); // exits
        } else {
            $this->answerDownload($disposition, $ttl);
        }
        return true;
    }

    /** The signed URL to redirect to, or null (logged) when signing failed: PHP serves the file then. */
    private function signedUrl(string $disposition, $ttl, Settings $settings): ?string
    {
        try {
            $location = $this->locate();
            $options = $this->signedUrlTiming($ttl, $settings) + [
                'disposition' => $disposition,
                'content_type' => $this->contentType(),
            ];
            if ($this->downloadName() !== '') {
                $options['filename'] = $this->downloadName();
            }
            return $this->nativeFor($location)->presignGet($location->objectKey(), $options);
        } catch (\Throwable $e) {
            // Per image per page, as reads: rate-limited, no alert e-mail.
            SystemLog::failureRateLimited('sign:' . get_class($e), SystemLog::TITLE,
                ErrorAdvisor::storageFailure($e, 'sign a download URL for',
                    $this->file->label(), $this->location, $settings)
                . ' The file is served through PHP instead.');
            return null;
        }
    }

    /**
     * When the signed URL is signed and how long it lives: signed as of the
     * start of a window (half the configured lifetime, at most an hour), so
     * repeated views within it get the same URL and the browser's cache
     * (objects are stored "private, max-age=86400") serves them; it expires
     * no later than osTicket's own link ($ttl: its seconds left, so
     * now + $ttl is a fixed time) and the configured lifetime after signing.
     *
     * @return array{signing_time: int, ttl: int}
     */
    private function signedUrlTiming($ttl, Settings $settings): array
    {
        $now = time();
        $window = max(1, min(3600, intdiv($settings->urlTtl, 2)));
        $signedAt = $now - $now % $window;
        $expiresAt = $signedAt + $settings->urlTtl;
        if (is_numeric($ttl) && (int) $ttl > 0) {
            // osTicket counted $ttl from its own clock read, just before
            // ours: now + $ttl is its link's end or a second past it. That
            // end is a whole minute (midnight UTC), so the minute below is
            // it exactly, the same for every view, and never later (a link
            // with less than that left keeps its own end).
            $linkEnds = intdiv($now + (int) $ttl, 60) * 60;
            $expiresAt = min($expiresAt, $linkEnds > $now ? $linkEnds : $now + (int) $ttl);
        }
        return ['signing_time' => $signedAt, 'ttl' => Settings::clampTtl($expiresAt - $signedAt)];
    }

    /**
     * Answers the request from PHP (see DownloadAnswer): one ranged GET
     * streamed, or no store request at all for 304, 416 and HEAD. A store
     * error before the first byte becomes osTicket's own 404 page; after it,
     * the body ends short of its Content-Length, which no client takes for
     * a complete file.
     */
    private function answerDownload(string $disposition, $ttl): void
    {
        $http = self::http();
        $location = null;
        try {
            $location = $this->locate();
            $native = $this->nativeFor($location);
            $size = $this->file->size ?? (int) ($native->head($location->objectKey())['size'] ?? 0);
            $answer = DownloadAnswer::decide($http, [
                'size' => $size,
                'type' => $this->contentType(),
                // display() (logos, thumbnails: $ttl false) sends none, download() its own.
                'disposition' => $ttl === false ? null : $this->dispositionHeader($disposition),
                'etag' => $this->file->signature !== '' ? $this->file->signature : $this->file->key,
                'last_modified' => $this->file->lastModified,
                'max_age' => is_numeric($ttl) && (int) $ttl > 0 ? (int) $ttl : self::LOGO_MAX_AGE,
            ]);
            // Set by osTicket before it asked us (display()), or by PHP.
            foreach (['Content-Length', 'Expires', 'Pragma', 'Content-Transfer-Encoding'] as $name) {
                $http->removeHeader($name);
            }
            $http->status($answer->status);
            foreach ($answer->headers as $name => $value) {
                $http->header($name, $value);
            }
            if ($answer->length) {
                $native->passthru($location->objectKey(), $answer->offset, $answer->length);
            }
        } catch (\Throwable $e) {
            $this->failure(ReadFailed::class, 'read', $e, $location); // logs it
            if (!$http->bodyStarted()) {
                foreach (isset($answer) ? array_keys($answer->headers) : [] as $name) {
                    $http->removeHeader($name);
                }
                // What osTicket's sendData() answers when a backend fails
                // (the details stay in the system log, not in the page).
                Http::response(404, 'File not found'); // exits
            }
        }
        $http->end();
    }

    /** Content-Disposition as osTicket's Http::download() builds it. */
    private function dispositionHeader(string $disposition): string
    {
        $name = basename($this->downloadName() !== '' ? $this->downloadName() : $this->file->key);
        if (preg_match('/image\/.*\+.*/', $this->contentType())) {
            $disposition = 'attachment'; // SVG and the like, as osTicket does
        }
        return $disposition . '; ' . (method_exists('Http', 'getDispositionFilename')
            ? \Http::getDispositionFilename($name) : "filename*=UTF-8''" . rawurlencode($name));
    }

    /**
     * The name file.php downloads under, as it picks it: the attachment's
     * own when the link names one (`id`) that has a name (osTicket gives one
     * to a file attached again under another name), else the file's.
     */
    private function downloadName(): string
    {
        $id = $_GET['id'] ?? null;
        if (is_numeric($id) && is_object($this->meta)) {
            try {
                $attachment = $this->meta->attachments->findFirst(['id' => (int) $id]);
                if ($attachment && (string) $attachment->name !== '') {
                    return (string) $attachment->name;
                }
            } catch (\Throwable $e) {
                // A file without attachments (a logo): its own name.
            }
        }
        return $this->file->name;
    }

    /**
     * Deletes the object; a missing object counts as deleted. A legacy row
     * (several candidates) loses its object wherever one is: a DELETE
     * answers 204 for a missing key too, so each candidate is asked first,
     * and one answered with AccessDenied is "not here", as for reads (the
     * README's policy refuses keys outside FOLDER/*, such as the bare KEY).
     */
    function unlink()
    {
        $location = null;
        try {
            $candidates = $this->resolver()->forRead($this->file);
            foreach ($candidates as $location) {
                if (count($candidates) === 1 || $this->holdsObject($location)) {
                    $this->nativeFor($location)->delete($location->objectKey());
                }
            }
            return true;
        } catch (\Throwable $e) {
            throw $this->failure(DeleteFailed::class, 'delete', $e, $location);
        }
    }

    /**
     * The digest the store confirms under the "Integrity check" setting
     * (CRC32C, or MD5 from a single PUT's ETag), so migrate compares the
     * stored bytes, not our own hash of what we sent. None: osTicket reads
     * every copy back.
     */
    function getNativeHashAlgos()
    {
        $mode = self::factory()->settings()->checksums;
        return $mode === Settings::CHECKSUMS_NONE ? [] : [$mode];
    }

    /** The digest the store confirmed for the upload this object made, else false (osTicket reads back). */
    function getHashDigest($algo)
    {
        $algo = strtolower((string) $algo);
        $length = ['crc32c' => 8, 'md5' => 32][$algo] ?? null;
        $digest = is_array($this->stored) ? ($this->stored['checksums'][$algo] ?? null) : null;
        if ($length === null || !is_string($digest) || !preg_match('/^[0-9a-fA-F]{' . $length . '}$/', $digest)) {
            return false;
        }
        return strtolower($digest);
    }

    /** Size S3 reported for the upload this object made, else false. */
    function getSize()
    {
        return is_array($this->stored) && isset($this->stored['size']) ? (int) $this->stored['size'] : false;
    }

    /**
     * {"bucket":…,"folder":…} for ost_file.attrs. osTicket asks this after a
     * create, and after a migration, where it may ask the read-back object,
     * which never wrote: that one answers with where it read.
     */
    function getAttrs()
    {
        try {
            $location = $this->writtenTo ?: $this->location
                ?: $this->resolver()->forRead($this->file)[0];
            return $location->attrs();
        } catch (\Throwable $e) {
            return false;
        }
    }

    /**
     * The configuration the plugin's bootstrap() captured, for the plugin's
     * command-line tools (bin/s3-attachments); null when the plugin did not
     * register backend 3 (not enabled, no bucket, extension missing).
     */
    public static function configuredFactory(): ?BackendFactory
    {
        return self::$factory;
    }

    /** What every object this backend writes carries besides its bytes (so a copy made elsewhere is identical). */
    public static function uploadOptionsFor(FileRef $file): array
    {
        return [
            'content_type' => $file->type !== '' ? $file->type : 'application/octet-stream',
            'cache_control' => BackendFactory::CACHE_CONTROL,
        ];
    }

    /** Substitutes the HTTP request and response (tests: the CLI has neither). */
    public static function useHttpExchange(?HttpExchange $http): void
    {
        self::$http = $http;
    }

    private static function http(): HttpExchange
    {
        return self::$http ?: new PhpHttpExchange();
    }

    private static function factory(): BackendFactory
    {
        if (!self::$factory) {
            throw new StorageError('The S3 storage plugin is not configured (its bootstrap did not run); '
                . 'enable it in Admin Panel > Manage > Plugins.');
        }
        return self::$factory;
    }

    private function resolver(): ObjectKeyResolver
    {
        return new ObjectKeyResolver(self::factory()->settings());
    }

    private function nativeFor(ObjectLocation $location): \S3AttachmentBackend
    {
        return self::factory()->forBucket($location->bucket);
    }

    /**
     * Where to read this file from. Only legacy rows have several
     * candidates; the first that exists wins. A candidate answered with
     * AccessDenied is "not here": without s3:ListBucket (the README's
     * policy) that is how S3 answers for a missing object. When none is
     * found, reading the first reports the store's answer.
     */
    private function locate(): ObjectLocation
    {
        if (!$this->location) {
            $candidates = $this->resolver()->forRead($this->file);
            $this->location = $candidates[0];
            if (count($candidates) > 1) {
                foreach ($candidates as $candidate) {
                    if ($this->holdsObject($candidate)) {
                        $this->location = $candidate;
                        break;
                    }
                }
            }
        }
        return $this->location;
    }

    /** Whether an object is at a candidate location; AccessDenied is "not here". */
    private function holdsObject(ObjectLocation $candidate): bool
    {
        try {
            return $this->nativeFor($candidate)->head($candidate->objectKey()) !== null;
        } catch (\S3AttachmentAccessDeniedException $notHereOrDenied) {
            return false;
        }
    }

    /** @return array options for putFile/putString/createUpload */
    private function uploadOptions(): array
    {
        return self::uploadOptionsFor($this->file);
    }

    private function contentType(): string
    {
        return $this->file->type !== '' ? $this->file->type : 'application/octet-stream';
    }

    /**
     * When osTicket knows the file's size, a copy of another size is not
     * stored: osTicket's migrate loop ends early at a source block that is
     * the string "0" (its digest check then compares two equally short
     * hashes and would delete the complete source).
     */
    private function refuseIncompleteCopy(): void
    {
        $expected = $this->file->size;
        if ($expected !== null && $expected > 0 && $this->bytesWritten !== $expected) {
            throw new \UnexpectedValueException(sprintf(
                'received %d bytes for a file of %d bytes; refusing to store an incomplete copy '
                . '(osTicket stops reading a source at a block that is the single character "0").',
                $this->bytesWritten, $expected));
        }
    }

    private function abortUpload(): void
    {
        if ($this->upload) {
            $upload = $this->upload;
            $this->upload = null;
            try {
                $upload->abort();
            } catch (\Throwable $ignored) {
                // Dropping it aborts as well; the original error matters more.
            }
        }
    }

    /** An IOException subclass carrying an admin-actionable message; creating it logs it. */
    private function failure(string $class, string $action, \Throwable $e, ?ObjectLocation $location): StorageError
    {
        if ($e instanceof StorageError) {
            return $e;
        }
        $settings = self::$factory ? self::$factory->settings() : Settings::fromArray([]);
        $message = ErrorAdvisor::storageFailure($e, $action, $this->file->label(), $location, $settings);
        return $class === ReadFailed::class
            ? new ReadFailed($message, $action . ':' . get_class($e))
            : new $class($message);
    }
}
