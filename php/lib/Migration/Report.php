<?php
/**
 * What a migration did, in the output contract of `migrate --json`:
 * selected, moved, skipped, failed, bytes_selected, bytes_moved,
 * bytes_freed, seconds, failures [{id, name, reason}].
 */

namespace S3Native\Migration;

final class Report
{
    /** @var string backend the files go to */
    public $to;
    /** @var bool */
    public $dryRun = false;
    /** @var int */
    public $selected = 0;
    /** @var int */
    public $bytesSelected = 0;
    /** @var int */
    public $moved = 0;
    /** @var int */
    public $bytesMoved = 0;
    /** @var int */
    public $failed = 0;
    /** @var int bytes of ost_file_chunk rows deleted */
    public $bytesFreed = 0;
    /** @var list<array{id: int, name: string, reason: string}> */
    public $failures = [];
    /** @var array<string, array{files: int, bytes: int}> dry run: what each source backend holds */
    public $bySource = [];
    /** @var string|null why the run stopped before the end of the selection */
    public $stopped;
    /** @var int entries of interrupted moves completed or undone before the run */
    public $recovered = 0;
    /** @var list<string> things the admin should know that are not file failures */
    public $notes = [];
    /** @var float */
    public $started;

    public function __construct(string $to)
    {
        $this->to = $to;
        $this->started = microtime(true);
    }

    public function fail(array $row, string $reason): void
    {
        $this->failed++;
        $this->failures[] = ['id' => (int) $row['id'], 'name' => (string) $row['name'], 'reason' => $reason];
    }

    public function moved(array $row): void
    {
        $this->moved++;
        $this->bytesMoved += (int) $row['size'];
    }

    /** Selected files neither moved nor failed (time limit, stopped, changed by someone else meanwhile). */
    public function skipped(): int
    {
        return $this->dryRun ? 0 : max(0, $this->selected - $this->moved - $this->failed);
    }

    public function seconds(): float
    {
        return microtime(true) - $this->started;
    }

    /** Every selected file moved. */
    public function complete(): bool
    {
        return !$this->dryRun && $this->failed === 0 && $this->skipped() === 0;
    }

    /** @return array<string, mixed> the --json document */
    public function toArray(): array
    {
        $out = [
            'selected' => $this->selected,
            'moved' => $this->moved,
            'skipped' => $this->skipped(),
            'failed' => $this->failed,
            'bytes_selected' => $this->bytesSelected,
            'bytes_moved' => $this->bytesMoved,
            'bytes_freed' => $this->bytesFreed,
            'seconds' => round($this->seconds(), 3),
            'failures' => $this->failures,
            'to' => $this->to,
            'dry_run' => $this->dryRun,
            'stopped' => $this->stopped,
            'recovered' => $this->recovered,
            'notes' => $this->notes,
        ];
        if ($this->dryRun) {
            $out['by_source'] = $this->bySource;
        }
        return $out;
    }
}
