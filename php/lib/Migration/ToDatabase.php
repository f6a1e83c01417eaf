<?php
/**
 * Moves files back into osTicket's database backend `D` (the way back from
 * S3), one at a time: streamed from the source into CHUNK_SIZE chunks as
 * osTicket lays them out, verified (size and signature of what was read,
 * then the CRC32C of the chunks as stored against the CRC32C of what was
 * read), switched with `UPDATE … WHERE id AND bk = <source>`, and only then
 * is the object deleted. Journaled like ToS3.
 *
 * A file osTicket's backend D cannot serve whole is refused and stays in
 * S3: its read loops stop at a block that is the single character "0",
 * the last block of a file of N × 500 KiB + 1 bytes ending in "0".
 */

namespace S3Native\Migration;

use S3Native\Cli\PluginStore;
use S3Native\ObjectKeyResolver;

final class ToDatabase
{
    /** @var PluginStore */
    private $store;
    /** @var Report */
    private $report;
    /** @var RunControl */
    private $control;
    /** @var SourceReader */
    private $reader;

    public function __construct(PluginStore $store, Report $report, RunControl $control)
    {
        $this->store = $store;
        $this->report = $report;
        $this->control = $control;
        $this->reader = new SourceReader($store);
    }

    public function run(Selection $selection): void
    {
        foreach ($selection->pages(200) as $rows) {
            foreach ($rows as $row) {
                if ($this->control->shouldStop($this->report)) {
                    return;
                }
                $this->move($row);
                $this->control->progress($this->report);
            }
        }
    }

    private function move(array $row): void
    {
        $id = (int) $row['id'];
        $source = (string) $row['bk'];
        $fromS3 = $source === ObjectKeyResolver::BACKEND_CHAR;
        if ((string) $row['key'] === '') {
            $this->report->fail($row, 'ost_file.key is empty, so the file has no object name; left as it is');
            return;
        }
        $location = $fromS3 ? $this->store->location($row) : null;
        Journal::add([$id => ['from' => $source, 'to' => 'D', 'bucket' => $location ? $location->bucket : null,
            'object' => $location ? $location->objectKey() : null, 'attrs' => $row['attrs'], 'pid' => getmypid()]]);
        try {
            // Chunks of a file not in D are leftovers of nothing: start clean.
            DatabaseChunks::delete([$id]);
            $read = new ContentDigest();
            $writer = DatabaseChunks::writer($id);
            $last = '';
            foreach ($this->reader->blocks($row) as $block) {
                $read->update($block);
                $writer->write($block);
                $last = substr($block, -1);
            }
            $writer->finish();
            Failpoint::hit('after-chunks');
            SourceCheck::verify($row, $read, $source);
            if (!DatabaseChunks::servable($read->size(), $last)) {
                throw new FileRejected(sprintf('osTicket\'s database backend would serve it one byte short: its size '
                    . 'is a multiple of 500 KiB plus one and it ends in "0", a block osTicket\'s read loop takes for '
                    . 'the end of the file; left in backend %s', $source));
            }
            $stored = new ContentDigest();
            foreach (DatabaseChunks::stream($id) as $chunk) {
                $stored->update($chunk);
            }
            if ($stored->size() !== $read->size() || $stored->crc32c() !== $read->crc32c()) {
                throw new FileRejected(sprintf('the chunks written to the database (%d bytes, CRC32C %s) differ from '
                    . 'the bytes read (%d, %s); left in backend %s', $stored->size(), $stored->crc32c(), $read->size(),
                    $read->crc32c(), $source));
            }
        } catch (FileRejected $e) {
            $this->report->fail($row, $e->getMessage());
            $this->undoChunks($id);
            return;
        }

        $switched = Db::exec('UPDATE ' . FILE_TABLE . " SET bk = 'D', attrs = NULL WHERE id = $id AND bk = "
            . Db::quote($source));
        if ($switched !== 1) {
            $this->report->notes[] = "file $id changed while it was being moved (deleted, or moved by someone else): skipped";
            $this->undoChunks($id);
            return;
        }
        Failpoint::hit('after-switch-to-d');
        $this->report->moved($row);
        try {
            if ($fromS3) {
                // Every place the object may be, as the plugin's unlink() does.
                foreach ($this->store->candidateLocations($row) as $candidate) {
                    $this->store->backend($candidate)->delete($candidate->objectKey());
                }
            } else {
                SourceReader::unlinkOther($row);
            }
            Journal::remove([$id]);
        } catch (\Throwable $e) {
            $this->report->notes[] = "file $id is in the database now, but its copy in backend $source could not be "
                . 'deleted (' . $e->getMessage() . '); the next run deletes it';
        }
    }

    private function undoChunks(int $id): void
    {
        DatabaseChunks::delete([$id]);
        Journal::remove([$id]);
    }
}
