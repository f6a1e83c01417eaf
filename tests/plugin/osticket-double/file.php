<?php
/*
 * TEST DOUBLE of osTicket's file storage (include/class.file.php): the
 * FileStorageBackend base class and registry, an in-memory ost_file table
 * (AttachmentFile) with osTicket's call sequences, and the database backend
 * 'D' (AttachmentChunkedData). Written from the project's contract document;
 * no osTicket code.
 *
 * FileStorageBackend's members have exactly osTicket's signatures and
 * defaults, so a test can compare a plugin backend against them.
 */

class FileStorageBackend
{
    var $meta;
    static $desc = false;
    static $registry = [];
    static $blocksize = 131072;
    static $private = false;

    static function reset(): void
    {
        self::$registry = [];
        self::register('D', 'AttachmentChunkedData');
    }

    static function register($typechar, $class)
    {
        self::$registry[$typechar] = $class;
    }

    static function allRegistered($private = false)
    {
        $all = self::$registry;
        if (!$private) {
            foreach ($all as $char => $class) {
                if ($class::$private) {
                    unset($all[$char]);
                }
            }
        }
        return $all;
    }

    /** The first registered character whose class $this is an instance of. */
    function getBkChar()
    {
        foreach (self::$registry as $char => $class) {
            if ($this instanceof $class) {
                return $char;
            }
        }
        return null;
    }

    static function isRegistered($type)
    {
        return isset(self::$registry[$type]);
    }

    static function lookup($type, $file = null)
    {
        if (!isset(self::$registry[$type])) {
            throw new Exception('No such backend registered');
        }
        $class = self::$registry[$type];
        return new $class($file);
    }

    static function getInstance($file)
    {
        return self::lookup($file->getBackend(), $file);
    }

    function getBlockSize()
    {
        return static::$blocksize;
    }

    function __construct($meta)
    {
        $this->meta = $meta;
    }

    function write($data)
    {
        return false;
    }

    function flush()
    {
        return true;
    }

    /** osTicket's default: the whole file in memory, one write(), no flush(). */
    function upload($filepath)
    {
        return $this->write(file_get_contents($filepath));
    }

    function read($amount = 0, $offset = 0)
    {
        return false;
    }

    function passthru()
    {
        while ($block = $this->read()) {
            echo $block;
        }
    }

    function sendRedirectUrl($disposition = 'inline', $ttl = false)
    {
        return false;
    }

    function unlink()
    {
        return false;
    }

    function getNativeHashAlgos()
    {
        return [];
    }

    function getHashDigest($algo)
    {
        return false;
    }

    function getSize()
    {
        return false;
    }

    function getAttrs()
    {
        return false;
    }
}

/**
 * The database backend: 500 KiB chunks per file. Its quirks are osTicket's:
 * read($amount, $offset) with $offset relative to the current position;
 * write() splits into chunks with a loop that stops at a falsy piece (so a
 * trailing piece "0" is dropped) and returns the chunk count.
 */
class AttachmentChunkedData extends FileStorageBackend
{
    static $desc = 'In the database';
    static $blocksize = CHUNK_SIZE;

    /** @var array<int, array<int, string>> file id => chunk id => bytes: the ost_file_chunk table */
    public static $chunks = [];

    var $file;
    var $_chunk = 0;
    var $_buffer = '';
    var $eof = false;

    static function reset(): void
    {
        self::$chunks = [];
    }

    function __construct($file)
    {
        $this->file = $file;
    }

    function getSize()
    {
        return array_sum(array_map('strlen', self::$chunks[$this->file->getId()] ?? []));
    }

    function read($amount = CHUNK_SIZE, $offset = 0)
    {
        if ($this->eof) {
            return false;
        }
        $rows = self::$chunks[$this->file->getId()] ?? [];
        while (strlen($this->_buffer) < $amount + $offset) {
            if (!isset($rows[$this->_chunk])) {
                $this->eof = true;
                break;
            }
            $this->_buffer .= $rows[$this->_chunk++];
        }
        $chunk = (string) substr($this->_buffer, $offset, $amount);
        $this->_buffer = (string) substr($this->_buffer, $offset + $amount);
        return $chunk;
    }

    function write($what, $chunk_size = CHUNK_SIZE)
    {
        $offset = 0;
        while ($piece = (string) substr($what, $offset, $chunk_size)) {
            self::$chunks[$this->file->getId()][$this->_chunk++] = $piece;
            $offset += strlen($piece);
        }
        return $this->_chunk;
    }

    function unlink()
    {
        unset(self::$chunks[$this->file->getId()]);
        return true;
    }
}

/**
 * A row of ost_file, and the sequences in which osTicket drives storage
 * backends for it.
 */
class AttachmentFile
{
    /** @var array<int, AttachmentFile> the ost_file table */
    public static $table = [];
    private static $nextId = 1;

    public $id;
    public $key;
    public $signature;
    public $type;
    public $name;
    public $size;
    public $bk = 'D';
    public $attrs = null;
    public $ft = 'T';
    /** @var string the row's creation time, 'Y-m-d H:i:s' (UTC here) */
    public $created;

    static function reset(): void
    {
        self::$table = [];
        self::$nextId = 1;
    }

    function __construct(array $row = [])
    {
        foreach ($row as $column => $value) {
            $this->$column = $value;
        }
    }

    function getId() { return $this->id; }
    function getKey() { return $this->key; }
    function getName() { return $this->name; }
    function getType() { return $this->type; }
    function getMimeType() { return $this->type; }
    function getSize() { return $this->size; }
    function getBackend() { return $this->bk; }
    function getAttrs() { return $this->attrs; }
    /** With $cascade, the key stands in for a missing signature (osTicket's ETag). */
    function getSignature($cascade = false)
    {
        return !$this->signature && $cascade ? $this->getKey() : $this->signature;
    }

    /** What osTicket sends as Last-Modified. */
    function lastModified() { return $this->created; }

    function save()
    {
        if (!$this->id) {
            $this->id = self::$nextId++;
            $this->created = $this->created ?: gmdate('Y-m-d H:i:s');
        }
        self::$table[$this->id] = $this;
        return true;
    }

    /** Re-reads the row, as a later request would see it. */
    static function lookup($id)
    {
        if (!isset(self::$table[$id])) {
            return null;
        }
        $row = get_object_vars(self::$table[$id]);
        $row['bk'] = (string) $row['bk']; // a character column: registry keys like 3 come back as '3'
        return new self($row);
    }

    /** 32 characters of URL-safe base64, mixed case, like osTicket's keys. */
    static function generateKey(): string
    {
        return substr(strtr(base64_encode(random_bytes(24)), '+/', '-_'), 0, 32);
    }

    /**
     * A new attachment (e-mail, API, `file load`), as osTicket's create():
     * $file has 'name', 'type', and either 'data' (one write() + flush())
     * or 'tmp_name' (upload()); 'size' when known. Passed by reference, as
     * in osTicket (call it with a variable).
     *
     * As in osTicket (checked against 1.18.1 by tests/osticket/): key and
     * signature are derived from 'data' only; with 'tmp_name' the caller
     * gives them, as upload() does (without them the row has no key). With
     * a size, a file of the same signature and size is returned instead of
     * storing a new one. create() itself does not refuse empty content
     * (osTicket's callers do).
     *
     * The row is saved first with bk='D'; the configured backend is tried,
     * then the database, inside catch (Throwable): a failing backend
     * silently lands the file in the database.
     */
    static function create(&$file, $ft = 'T', $deduplicate = true)
    {
        if (isset($file['data'])) {
            $file['signature'] = sha1($file['data']);
            if (empty($file['key'])) {
                $file['key'] = self::generateKey();
            }
        }
        if (isset($file['size']) && $file['size'] > 0) {
            foreach (self::$table as $existing) {
                if ($deduplicate && $existing->signature === ($file['signature'] ?? null)
                        && (int) $existing->size === (int) $file['size']) {
                    $file['key'] = $existing->key;
                    return self::lookup($existing->id);
                }
            }
        } elseif (!isset($file['data'])) {
            return false; // no way to know the size
        }
        $f = new self([
            'key' => $file['key'] ?? null,
            'signature' => $file['signature'] ?? null,
            'type' => strtolower($file['type'] ?? '') ?: 'application/octet-stream',
            'name' => $file['name'] ?? null,
            'ft' => $ft ?: 'T',
            'bk' => 'D',
        ]);
        if (isset($file['size'])) {
            $f->size = $file['size'];
        }
        $f->save();

        $backends = [self::getBackendForFile($f)];
        if ($backends[0]->getBkChar() !== 'D') {
            $backends[] = new AttachmentChunkedData($f);
        }
        $succeeded = false;
        foreach ($backends as $bk) {
            try {
                if (isset($file['tmp_name'])) {
                    if ($bk->upload($file['tmp_name'])) {
                        $succeeded = true;
                        break;
                    }
                } elseif ($bk->write($file['data']) && $bk->flush()) {
                    $succeeded = true;
                    break;
                }
            } catch (Throwable $t) {
                // try the next backend, as osTicket does (nothing logged)
            }
        }
        if (!$succeeded) {
            return false;
        }

        $f->bk = $bk->getBkChar();
        $f->attrs = $bk->getAttrs() ?: null;
        if (!isset($file['size'])) {
            $f->size = $bk->getSize() ?: strlen($file['data']);
        }
        $f->save();
        return $f;
    }

    /**
     * A web upload (the temp file PHP made for a POSTed file): key and
     * signature from the file on disk, then create(). osTicket also insists
     * on is_uploaded_file(), which no test can satisfy: any readable path
     * is taken here.
     */
    static function upload($file, $ft = 'T', $deduplicate = true)
    {
        if (empty($file['name']) || !empty($file['error']) || !is_readable($file['tmp_name'] ?? '')) {
            return false;
        }
        $info = [
            'type' => $file['type'] ?? null,
            'size' => $file['size'] ?? filesize($file['tmp_name']),
            'name' => $file['name'],
            'key' => self::generateKey(),
            'signature' => sha1_file($file['tmp_name']),
            'tmp_name' => $file['tmp_name'],
        ];
        return static::create($info, $ft, $deduplicate);
    }

    static function getBackendForFile($file)
    {
        global $cfg;
        $char = $cfg ? $cfg->getDefaultStorageBackendChar() : null;
        try {
            return FileStorageBackend::lookup($char ?: 'D', $file);
        } catch (Exception $e) {
            return new AttachmentChunkedData($file);
        }
    }

    function open()
    {
        return FileStorageBackend::getInstance($this);
    }

    function sendData($redirect = true, $ttl = false, $disposition = 'inline')
    {
        $bk = $this->open();
        if ($redirect && $bk->sendRedirectUrl($disposition, $ttl)) {
            return;
        }
        try {
            $bk->passthru();
        } catch (IOException $ex) {
            Http::response(404, 'File not found');
        }
    }

    /** For outgoing e-mail attachments, PDF and zip export. */
    function getData()
    {
        ob_start();
        try {
            $this->sendData(false);
        } catch (IOException $ex) {
            ob_end_clean(); // the real response ends the request here
            Http::response(404, 'File not found');
        } catch (RequestEnded $ended) {
            ob_end_clean(); // the request ended inside sendData(); so does its buffer
            throw $ended;
        }
        $data = ob_get_contents();
        ob_end_clean();
        return $data;
    }

    /**
     * file.php: a first backend object may redirect (and must end the
     * request); otherwise osTicket sends the headers and a second backend
     * object streams the bytes. (osTicket exits after that; this returns.)
     *
     * @param string|false $disposition 'inline' is honoured for images only
     * @param int|false $ttl seconds left on osTicket's own link
     */
    function download($disposition = false, $ttl = false)
    {
        $disposition = ($disposition && strcasecmp($disposition, 'inline') === 0
                && strpos((string) $this->getType(), 'image/') !== false)
            ? 'inline' : 'attachment';
        $bk = $this->open();
        if ($bk->sendRedirectUrl($disposition, $ttl)) {
            // A backend that "redirects" without ending the request: file.php
            // carries on and answers 404, with the Location header set.
            Http::response(404, 'File not found');
        }
        Http::download($this->getName(), $this->getType() ?: 'application/octet-stream', null, $disposition);
        Http::header('Content-Length: ' . $this->getSize());
        $this->sendData(false);
    }

    /**
     * Logos and backdrops: marked cacheable for $ttl (a day), Content-Type
     * and Content-Length sent, then sendData() asks the backend for a
     * redirect with no expiry ($ttl false). (osTicket exits after that.)
     */
    function display($ttl = 86400)
    {
        Http::header('ETag: "' . $this->getSignature(true) . '"');
        Http::header("Cache-Control: private, max-age=$ttl");
        Http::header('Content-Type: ' . ($this->getType() ?: 'application/octet-stream'));
        Http::header('Content-Length: ' . $this->getSize());
        $this->sendData();
    }

    /** The row goes first, then the backend's unlink(). */
    function delete()
    {
        unset(self::$table[$this->id]);
        if ($bk = $this->open()) {
            $bk->unlink();
        }
        return true;
    }

    /**
     * `manage.php file migrate`, per file: copy in the target's block size,
     * verify by the target's digest or by reading back through a new target
     * object (which still sees the source's bk and attrs), and only then
     * switch the row and unlink the source.
     */
    function migrate($bk)
    {
        $target = FileStorageBackend::lookup($bk, $this);
        $source = $this->open();

        $algo = 'sha1';
        $native = $target->getNativeHashAlgos();
        if ($native && is_array($native)) {
            foreach ($native as $a) {
                if (in_array(strtolower($a), hash_algos(), true)) {
                    $algo = strtolower($a);
                    break;
                }
            }
        }
        $before = hash_init($algo);
        try {
            while ($block = $source->read($target->getBlockSize())) {
                hash_update($before, $block);
                $target->write($block); // return value ignored, as in osTicket
            }
            $target->flush();
        } catch (Exception $e) {
            return false;
        }

        if (!($targetHash = $target->getHashDigest($algo))) {
            $after = hash_init($algo);
            $target = FileStorageBackend::lookup($bk, $this);
            while ($block = $target->read()) {
                hash_update($after, $block);
            }
            $targetHash = hash_final($after);
        }

        if (hash_final($before) != $targetHash) {
            $target->unlink();
            return false;
        }

        $this->bk = $target->getBkChar();
        $this->attrs = $target->getAttrs() ?: null;
        if (!$this->save()) {
            return false;
        }
        return $source->unlink();
    }
}

FileStorageBackend::reset();
