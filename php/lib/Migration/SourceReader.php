<?php
/**
 * A file's bytes from the backend it is in now, block by block: the
 * database (SQL on ost_file_chunk), this plugin's S3 objects (one streaming
 * GET), or any other backend through osTicket's own read(). And the delete
 * of such a source copy once the file has moved.
 */

namespace S3Native\Migration;

use S3Native\Cli\PluginStore;
use S3Native\ObjectKeyResolver;

final class SourceReader
{
    /** Bytes per block read from S3 or another backend. */
    const BLOCK = 1048576;

    /** @var PluginStore */
    private $store;

    public function __construct(PluginStore $store)
    {
        $this->store = $store;
    }

    /**
     * @return \Generator<int, string>
     * @throws FileRejected when the source cannot be read
     */
    public function blocks(array $row): \Generator
    {
        $bk = (string) $row['bk'];
        if ($bk === 'D') {
            yield from DatabaseChunks::stream((int) $row['id']);
        } elseif ($bk === ObjectKeyResolver::BACKEND_CHAR) {
            yield from $this->objectBlocks($row);
        } else {
            yield from $this->osticketBlocks($row);
        }
    }

    private function objectBlocks(array $row): \Generator
    {
        $location = $this->store->location($row);
        try {
            $reader = $this->store->backend($location)->openRead($location->objectKey());
        } catch (\S3AttachmentNotFoundException $e) {
            throw new FileRejected('its object ' . $location->describe() . ' is missing from the store; left as it is');
        } catch (\S3AttachmentException $e) {
            throw new FileRejected('reading ' . $location->describe() . ' failed: ' . $e->getMessage());
        }
        while (true) {
            try {
                $block = $reader->read(self::BLOCK);
            } catch (\S3AttachmentException $e) {
                throw new FileRejected('reading ' . $location->describe() . ' failed: ' . $e->getMessage());
            }
            if ($block === '') {
                return;
            }
            yield $block;
        }
    }

    private function osticketBlocks(array $row): \Generator
    {
        $bk = (string) $row['bk'];
        try {
            $backend = \FileStorageBackend::getInstance(self::model($row));
        } catch (\Throwable $e) {
            throw new FileRejected("its backend \"$bk\" is not available in this helpdesk (" . $e->getMessage()
                . '): enable the plugin that stores it, or move it with manage.php file migrate');
        }
        while (true) {
            try {
                $block = $backend->read(self::BLOCK);
            } catch (\Throwable $e) {
                throw new FileRejected("reading it from backend \"$bk\" failed: " . $e->getMessage());
            }
            // Compared strictly: a block "0" is data, not the end.
            if ($block === false || $block === null || $block === '') {
                return;
            }
            yield (string) $block;
        }
    }

    /**
     * Deletes the copy a file had in a backend other than D and this
     * plugin's, through that backend's unlink(), seeing the row as it was
     * there ($before: bk and attrs of then). Some unlink()s also write the
     * row (osTicket's own "6" backend clears attrs and saves): the row's
     * bk and attrs of now are put back if so.
     */
    public static function unlinkOther(array $before): void
    {
        $id = (int) $before['id'];
        $now = Db::row('SELECT bk, attrs FROM ' . FILE_TABLE . " WHERE id = $id");
        $backend = \FileStorageBackend::getInstance(self::model($before));
        if (!$backend->unlink()) {
            throw new \RuntimeException('backend "' . $before['bk'] . '" did not delete its copy');
        }
        $after = Db::row('SELECT bk, attrs FROM ' . FILE_TABLE . " WHERE id = $id");
        if ($now !== null && $after !== null && $after !== $now) {
            Db::exec('UPDATE ' . FILE_TABLE . ' SET bk = ' . Db::quote($now['bk']) . ', attrs = '
                . Db::quote($now['attrs']) . " WHERE id = $id");
        }
    }

    /** An AttachmentFile of these column values, outside osTicket's model cache. */
    private static function model(array $row): \AttachmentFile
    {
        return \AttachmentFile::getMeta()->newInstance($row);
    }
}
