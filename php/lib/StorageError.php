<?php
/**
 * Storage failures as osTicket's IOException, which is what file.php, the
 * e-mail and PDF code and `manage.php file …` catch. Constructing one writes
 * it to osTicket's system log (and alerts the admin), titled by $title below.
 *
 * Load only inside osTicket (IOException comes from include/class.error.php).
 */

namespace S3Native;

require_once __DIR__ . '/SystemLog.php';

class StorageError extends \IOException
{
    static $title = 'S3 attachment storage failed';

    function __construct($message)
    {
        parent::__construct($message); // osTicket logs it, when it runs with a system log
        global $ost;
        if (!$ost) {
            // manage.php starts osTicket without the global $ost, so
            // osTicket logs nothing and `file migrate` prints only "Unable to
            // migrate NAME": PHP's error log (stderr on the command line) is
            // where the admin finds why.
            SystemLog::error((string) $message, false, $this->getTitle());
        }
    }
}

/** Storing failed. osTicket then quietly keeps the file in the database; the log is the only trace. */
final class UploadFailed extends StorageError
{
    static $title = 'Unable to store attachment in S3';
}

/**
 * Reading failed. Reads happen for every image of every page: during an
 * outage osTicket's usual "log and e-mail the admin" per failure would send
 * one alert per image per page view. So no alert e-mail, and one log entry
 * a minute per kind of failure (with the count of those left out).
 */
final class ReadFailed extends StorageError
{
    static $title = 'Unable to read attachment from S3';
    static $sendAlert = false;

    /** @param string $kind what failed, for the rate limit: "operation:exception class" */
    function __construct($message, string $kind = 'read')
    {
        // Not BaseError's constructor: it logs every time.
        \Exception::__construct((string) $message);
        SystemLog::failureRateLimited($kind, $this->getTitle(), (string) $message);
    }
}

/** Deleting failed: the object is now orphaned in the bucket. */
final class DeleteFailed extends StorageError
{
    static $title = 'Unable to delete attachment from S3';
}
