<?php
/**
 * Which ost_file rows a migration takes: not in the target backend, from
 * one source backend or every other one, optionally by id and size, at most
 * `limit` of them, in id order (so a run stopped half-way resumes where it
 * stopped, and the same rows are selected by a dry run).
 */

namespace S3Native\Migration;

final class Selection
{
    /** @var string */
    public $to;
    /** @var string|null null: every backend but the target */
    public $from;
    /** @var list<int>|null */
    public $fileIds;
    /** @var int|null */
    public $minSize;
    /** @var int|null */
    public $maxSize;
    /** @var int|null */
    public $limit;
    /** @var list<int> ids never to take (the cron batch's files that failed recently) */
    public $excludeIds = [];

    public function __construct(string $to, ?string $from = null)
    {
        $this->to = $to;
        $this->from = $from;
    }

    public function where(): string
    {
        $w = ['bk <> ' . Db::quote($this->to)];
        if ($this->from !== null) {
            $w[] = 'bk = ' . Db::quote($this->from);
        }
        if ($this->fileIds !== null) {
            $w[] = $this->fileIds ? 'id IN (' . Db::idList($this->fileIds) . ')' : '0';
        }
        if ($this->excludeIds) {
            $w[] = 'id NOT IN (' . Db::idList($this->excludeIds) . ')';
        }
        if ($this->minSize !== null) {
            $w[] = 'size >= ' . (int) $this->minSize;
        }
        if ($this->maxSize !== null) {
            $w[] = 'size <= ' . (int) $this->maxSize;
        }
        return implode(' AND ', $w);
    }

    /** @return array<string, array{files: int, bytes: int}> per source backend, within the limit */
    public function totals(): array
    {
        $inner = 'SELECT bk, size FROM ' . FILE_TABLE . ' WHERE ' . $this->where() . ' ORDER BY id'
            . ($this->limit !== null ? ' LIMIT ' . (int) $this->limit : '');
        $out = [];
        foreach (Db::rows("SELECT bk, COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM ($inner) s GROUP BY bk") as $r) {
            $out[(string) $r['bk']] = ['files' => (int) $r['files'], 'bytes' => (int) $r['bytes']];
        }
        ksort($out);
        return $out;
    }

    /**
     * The selected rows, $size at a time, in id order, at most $limit in all.
     *
     * @return \Generator<int, list<array>>
     */
    public function pages(int $size): \Generator
    {
        $taken = 0;
        $after = 0;
        while (true) {
            $max = $this->limit !== null ? min($size, $this->limit - $taken) : $size;
            $rows = $max > 0 ? $this->page($after, $max) : [];
            if (!$rows) {
                return;
            }
            $after = (int) end($rows)['id'];
            $taken += count($rows);
            yield $rows;
        }
    }

    /**
     * The next rows after $afterId.
     * @return list<array<string, ?string>>
     */
    public function page(int $afterId, int $max): array
    {
        return Db::rows('SELECT id, bk, `key`, name, type, size, signature, attrs, created FROM ' . FILE_TABLE
            . ' WHERE ' . $this->where() . ' AND id > ' . $afterId . ' ORDER BY id LIMIT ' . $max);
    }
}
