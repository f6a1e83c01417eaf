<?php
/**
 * Writing to osTicket's system log (Admin Panel > Dashboard > System Logs).
 *
 * Problems found while bootstrapping (extension missing, conflicting
 * plugin) recur on every request: they are logged at most once an hour, so
 * the log stays readable and admins are not sent an alert per page view.
 */

namespace S3Native;

final class SystemLog
{
    const TITLE = 'Attachments in S3 (native extension)';
    const REPEAT_AFTER = 3600;

    /** @var string|null where the once-an-hour markers live; null: the system temp folder */
    public static $markerDirectory = null;

    /** Logs an error; falls back to PHP's error log outside osTicket. */
    public static function error(string $message, bool $alert = false): void
    {
        global $ost;
        if ($ost && method_exists($ost, 'logError')) {
            $ost->logError(self::TITLE, $message, $alert);
        } else {
            error_log(self::TITLE . ': ' . $message);
        }
    }

    /**
     * Logs an error unless the same one was logged in the last hour by any
     * request of this helpdesk. The marker is a file in the system temp folder.
     */
    public static function errorOncePerHour(string $id, string $message): void
    {
        $directory = self::$markerDirectory !== null ? self::$markerDirectory : sys_get_temp_dir();
        $marker = sprintf('%s/osticket-s3-native-%s.logged', rtrim($directory, '/'),
            md5(__DIR__ . "\0" . $id . "\0" . $message));
        $last = @filemtime($marker);
        if ($last !== false && time() - $last < self::REPEAT_AFTER) {
            return;
        }
        @touch($marker);
        self::error($message);
    }
}
