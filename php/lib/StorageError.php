<?php
/**
 * Storage failures as osTicket's IOException, which is what file.php, the
 * e-mail and PDF code and `manage.php file …` catch. Constructing one writes
 * it to osTicket's system log (and alerts the admin), titled by $title below.
 *
 * Load only inside osTicket (IOException comes from include/class.error.php).
 */

namespace S3Native;

class StorageError extends \IOException
{
    static $title = 'S3 attachment storage failed';
}

/** Storing failed. osTicket then quietly keeps the file in the database; the log is the only trace. */
final class UploadFailed extends StorageError
{
    static $title = 'Unable to store attachment in S3';
}

final class ReadFailed extends StorageError
{
    static $title = 'Unable to read attachment from S3';
}

/** Deleting failed: the object is now orphaned in the bucket. */
final class DeleteFailed extends StorageError
{
    static $title = 'Unable to delete attachment from S3';
}
