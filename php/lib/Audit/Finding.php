<?php
/**
 * One thing `audit` found wrong, as `--json` prints it:
 * {"kind", "file_id", "name", "detail"}.
 */

namespace S3Native\Audit;

final class Finding
{
    /** An S3 row (bk='3') whose object is at none of the keys the plugin reads it from. */
    const MISSING_OBJECT = 'missing_object';
    /** An S3 row whose object's size is not ost_file.size. */
    const SIZE_MISMATCH = 'size_mismatch';
    /** An S3 row whose object the store would not tell about (403, network, …): unknown, not fine. */
    const CANNOT_CHECK = 'cannot_check';
    /** A database row created while S3 was the default store: osTicket fell back silently. */
    const SILENT_FALLBACK = 'silent_fallback';
    /** ost_file_chunk rows of a file not in the database backend, or of no file at all. */
    const ORPHAN_CHUNKS = 'orphan_chunks';
    /** --list-objects: an object under the folder that no S3 row reads. */
    const OBJECT_WITHOUT_ROW = 'object_without_row';
    /** --list-objects asked, and the store refused or failed the listing. */
    const CANNOT_LIST = 'cannot_list';

    /** Every kind, in the order the report lists them. */
    const KINDS = [self::MISSING_OBJECT, self::SIZE_MISMATCH, self::CANNOT_CHECK, self::SILENT_FALLBACK,
        self::ORPHAN_CHUNKS, self::OBJECT_WITHOUT_ROW, self::CANNOT_LIST];

    /** @var string one of KINDS */
    public $kind;
    /** @var int|null the ost_file id (or the chunk rows' file_id); null when no file is involved */
    public $fileId;
    /** @var string the file's name, or the object key when there is no row */
    public $name;
    /** @var string what is wrong, in a sentence */
    public $detail;

    public function __construct(string $kind, ?int $fileId, string $name, string $detail)
    {
        $this->kind = $kind;
        $this->fileId = $fileId;
        $this->name = $name;
        $this->detail = $detail;
    }

    /** @return array{kind: string, file_id: ?int, name: string, detail: string} */
    public function toArray(): array
    {
        return ['kind' => $this->kind, 'file_id' => $this->fileId, 'name' => $this->name, 'detail' => $this->detail];
    }
}
