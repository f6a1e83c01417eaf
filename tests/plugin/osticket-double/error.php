<?php
/*
 * TEST DOUBLE of osTicket's error classes (include/class.error.php), written
 * from the project's contract document; no osTicket code.
 *
 * As in osTicket, constructing one of these writes it to the system log
 * ($ost->logError) with the title "ClassName: $title".
 */

class BaseError extends Exception
{
    static $title = '';
    static $sendAlert = true;

    function __construct($message)
    {
        global $ost;
        parent::__construct(__($message));
        if ($ost) {
            $ost->logError($this->getTitle(), (string) $message, static::$sendAlert);
        }
    }

    function getTitle()
    {
        return get_class($this) . ': ' . static::$title;
    }
}

/** What file.php, getData() and manage.php catch for storage failures. */
class IOException extends BaseError
{
    static $title = 'Unable to read resource content';
}
