<?php
/*
 * TEST DOUBLE of osTicket's Messages (include/class.message.php in 1.17 and
 * 1.18): Messages::warning()/info()/error()/success() queue a banner that
 * the staff header (include/staff/header.inc.php) prints, as HTML, above the
 * page, after the error/notice of the form. Written from that API's
 * description; no osTicket code. Here a recorder: tests read
 * Messages::$queued.
 */

class Messages
{
    /** @var array<int, array{level: string, message: string}> */
    public static $queued = [];

    static function reset(): void
    {
        self::$queued = [];
    }

    static function info($message)
    {
        self::$queued[] = ['level' => 'info', 'message' => (string) $message];
    }

    static function success($message)
    {
        self::$queued[] = ['level' => 'success', 'message' => (string) $message];
    }

    static function warning($message)
    {
        self::$queued[] = ['level' => 'warning', 'message' => (string) $message];
    }

    static function error($message)
    {
        self::$queued[] = ['level' => 'error', 'message' => (string) $message];
    }
}
