<?php
/**
 * What one audit found: the findings, and counts of what was looked at and
 * of each kind of finding. `ok` means no finding at all: a file that could
 * not be checked is not known to be fine.
 */

namespace S3Native\Audit;

require_once __DIR__ . '/Finding.php';

final class AuditReport
{
    /** Counts of what was looked at, shown before the findings' counts. */
    const LEADING_COUNTS = ['files_in_s3', 'bytes_in_s3', 'files_not_checked', 'objects_listed'];

    /** @var Finding[] */
    private $findings = [];
    /** @var array<string, int> */
    private $counts = [];

    public function __construct()
    {
        foreach (Finding::KINDS as $kind) {
            $this->counts[$kind] = 0;
        }
    }

    public function add(Finding $finding): void
    {
        $this->findings[] = $finding;
        $this->counts[$finding->kind]++;
    }

    /** Drops every finding of a kind (before that check runs again). */
    public function withdraw(string $kind): void
    {
        $this->findings = array_values(array_filter($this->findings, function (Finding $f) use ($kind) {
            return $f->kind !== $kind;
        }));
        $this->counts[$kind] = 0;
    }

    /** Sets a count of what was looked at or done (files_in_s3, orphan_chunk_bytes, …). */
    public function count(string $name, int $value): void
    {
        $this->counts[$name] = $value;
    }

    public function ok(): bool
    {
        return !$this->findings;
    }

    /** @return Finding[] by kind (in Finding::KINDS order), then as found */
    public function findings(?string $kind = null): array
    {
        $order = array_flip(Finding::KINDS);
        $sorted = $this->findings;
        usort($sorted, function (Finding $a, Finding $b) use ($order) { // stable since PHP 8.0
            return $order[$a->kind] <=> $order[$b->kind];
        });
        return $kind === null ? $sorted : array_values(array_filter($sorted,
            function (Finding $f) use ($kind) { return $f->kind === $kind; }));
    }

    /** @return array<string, int> what was looked at first, then the findings by kind, then the rest */
    public function counts(): array
    {
        $first = array_intersect_key(array_flip(self::LEADING_COUNTS), $this->counts);
        return array_replace($first, $this->counts);
    }

    /** The `--json` document: {"ok", "findings": [{"kind", "file_id", "name", "detail"}], "counts": {…}}. */
    public function toJson(): string
    {
        return json_encode([
            'ok' => $this->ok(),
            'findings' => array_map(function (Finding $f) { return $f->toArray(); }, $this->findings()),
            'counts' => (object) $this->counts(),
        ], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE) . "\n";
    }
}
