<?php
/**
 * HEAD of many objects of one bucket, the way the audit needs it: every
 * key answered, each on its own (an answer for one key never hides
 * another's), `$jobs` requests in flight at once.
 */

namespace S3Native\Audit;

final class ObjectHeads
{
    /**
     * @param string[] $keys object keys as the backend takes them
     * @return array<string, array|null|\Throwable> key => head() info, null (404), or why it failed
     */
    public static function of(\S3AttachmentBackend $backend, array $keys, int $jobs): array
    {
        return $backend->headMany(array_values(array_unique($keys)), $jobs);
    }
}
