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

    /** Failures of one kind are logged at most once in this many seconds. */
    const FAILURE_WINDOW = 60;

    /** @var string|null where the markers and counters live; null: the system temp folder */
    public static $markerDirectory = null;

    /** @var callable|null returns the current Unix time; null: time() (tests set a clock) */
    public static $clock = null;

    /** Logs an error; falls back to PHP's error log outside osTicket. */
    public static function error(string $message, bool $alert = false, string $title = self::TITLE): void
    {
        self::deliver(fn ($ost) => $ost->logError($title, $message, $alert), $title . ': ' . $message);
    }

    /**
     * Logs a routine event (osTicket's "Debug" level, recorded whatever the
     * configured log level, as osTicket records its own cron runs when asked):
     * no alert e-mail.
     */
    public static function notice(string $message): void
    {
        global $ost;
        if ($ost && method_exists($ost, 'logDebug')) {
            $ost->logDebug(self::TITLE, $message, true);
        } else {
            error_log(self::TITLE . ': ' . $message);
        }
    }

    /** Logs a warning, never with an alert e-mail. */
    public static function warning(string $message): void
    {
        self::deliver(fn ($ost) => $ost->logWarning(self::TITLE, $message, false),
            self::TITLE . ' (warning): ' . $message);
    }

    /**
     * Runs the plugin's bootstrap(). osTicket bootstraps plugins inside
     * osTicket::start(), before main.inc.php assigns the global $ost, so
     * what is logged meanwhile is written at the end of the request.
     */
    public static function whileBootstrapping(callable $bootstrap): void
    {
        self::$bootstrapping = true;
        try {
            $bootstrap();
        } finally {
            self::$bootstrapping = false;
        }
    }

    /** @var bool inside whileBootstrapping() */
    private static $bootstrapping = false;

    /**
     * To the system log through osTicket's global $ost; to PHP's error log
     * outside osTicket, or when a message from bootstrap() finds no $ost
     * even at the end of the request.
     */
    private static function deliver(callable $toSystemLog, string $line): void
    {
        global $ost;
        if ($ost && method_exists($ost, 'logError')) {
            $toSystemLog($ost);
        } elseif (self::$bootstrapping) {
            register_shutdown_function(static function () use ($toSystemLog, $line): void {
                global $ost;
                $ost && method_exists($ost, 'logError') ? $toSystemLog($ost) : error_log($line);
            });
        } else {
            error_log($line);
        }
    }

    /**
     * Logs a failure without an alert e-mail, at most once per
     * FAILURE_WINDOW for each $kind (e.g. "read:S3AttachmentNetworkException"),
     * across every request of this helpdesk. During an outage every image
     * of every page fails: one entry a minute per kind, saying how many
     * were left out, keeps the log readable and the admin's mailbox empty.
     *
     * @return bool whether this one was logged
     */
    public static function failureRateLimited(string $kind, string $title, string $message): bool
    {
        return self::rateLimited('failures-' . $kind, self::FAILURE_WINDOW, $title, $message);
    }

    /**
     * Logs an error unless the same one was logged in the last hour by any
     * request of this helpdesk.
     */
    public static function errorOncePerHour(string $id, string $message): void
    {
        self::rateLimited($id . "\0" . $message, self::REPEAT_AFTER, self::TITLE, $message);
    }

    /**
     * Logs $message (no alert e-mail) unless one of the same $id was logged
     * less than $window seconds ago by any request of this helpdesk; the
     * next one logged says how many were left out meanwhile. The count is
     * a file in the marker directory, under a lock.
     */
    private static function rateLimited(string $id, int $window, string $title, string $message): bool
    {
        $counter = self::markerPath($id, '.count');
        $handle = @fopen($counter, 'c+');
        if ($handle === false || !flock($handle, LOCK_EX)) {
            // No shared counter: better one entry per failure than none.
            self::error($message, false, $title);
            return true;
        }
        try {
            $state = json_decode((string) stream_get_contents($handle), true);
            $now = self::now();
            $since = is_array($state) ? (int) ($state['since'] ?? 0) : 0;
            $suppressed = is_array($state) ? (int) ($state['suppressed'] ?? 0) : 0;
            $log = $since === 0 || $now - $since >= $window || $now < $since;
            if ($log) {
                if ($suppressed > 0) {
                    $message .= sprintf(' (%d more failure%s like this one in the %d seconds before '
                        . 'were not logged.)', $suppressed, $suppressed === 1 ? '' : 's', $now - $since);
                }
                $state = ['since' => $now, 'suppressed' => 0];
            } else {
                $state = ['since' => $since, 'suppressed' => $suppressed + 1];
            }
            ftruncate($handle, 0);
            rewind($handle);
            fwrite($handle, json_encode($state));
            fflush($handle);
        } finally {
            flock($handle, LOCK_UN);
            fclose($handle);
        }
        if ($log) {
            self::error($message, false, $title);
        }
        return $log;
    }

    /** A file in the marker directory, one per helpdesk (this plugin's path) and id. */
    private static function markerPath(string $id, string $suffix): string
    {
        $directory = self::$markerDirectory !== null ? self::$markerDirectory : sys_get_temp_dir();
        return sprintf('%s/osticket-s3-native-%s%s', rtrim($directory, '/'),
            md5(__DIR__ . "\0" . $id), $suffix);
    }

    private static function now(): int
    {
        return self::$clock !== null ? (int) (self::$clock)() : time();
    }
}
