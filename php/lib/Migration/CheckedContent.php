<?php
/**
 * A small file's bytes, read whole from its source and proven to be that
 * file (SourceCheck): ready to be uploaded.
 */

namespace S3Native\Migration;

final class CheckedContent
{
    /** @var string the file's true content (a "0" osTicket dropped is back) */
    public $data;
    /** @var ContentDigest of $data */
    public $digest;
    /** @var bool whether the "0" osTicket's database backend drops was put back */
    public $repaired;

    public function __construct(string $data, ContentDigest $digest, bool $repaired)
    {
        $this->data = $data;
        $this->digest = $digest;
        $this->repaired = $repaired;
    }
}
