<?php
/**
 * One writer of the attachment store at a time: a MariaDB/MySQL named lock
 * (GET_LOCK) on osTicket's database connection. The server releases it when
 * the connection ends, so a run killed with -9 never leaves it behind.
 *
 * `migrate` (command or cron batch) and `audit --fix` take it: two of them
 * at once would move or delete the same chunks.
 */

namespace S3Native\Cli;

final class StoreLock
{
    /** @var string */
    private $name;
    /** @var bool */
    private $held = false;

    private function __construct(string $name)
    {
        $this->name = $name;
    }

    /** The lock's name in the database server: one per helpdesk database and table prefix. */
    public static function nameFor(): string
    {
        return substr('s3-attachments:' . (defined('DBNAME') ? DBNAME : '') . ':'
            . (defined('TABLE_PREFIX') ? TABLE_PREFIX : ''), 0, 64);
    }

    /**
     * Takes the lock, waiting at most $waitSeconds.
     *
     * @param string $who what wants it, for the message ("migrate", "audit --fix")
     * @throws CannotStart when another run holds it, or the server cannot lock
     */
    public static function acquire(string $who, int $waitSeconds = 0): self
    {
        $lock = new self(self::nameFor());
        $res = db_query('SELECT GET_LOCK(' . db_input($lock->name) . ', ' . (int) $waitSeconds . ')');
        $row = $res ? db_fetch_row($res) : null;
        if (!$row || $row[0] === null) {
            throw new CannotStart("$who: the database could not take the lock " . $lock->name
                . ' (GET_LOCK answered ' . ($row ? 'NULL' : 'an error: ' . db_error()) . ').');
        }
        if ((string) $row[0] !== '1') {
            throw new CannotStart("$who: another s3-attachments run (migrate, the cron batch or audit --fix) "
                . 'is working on this helpdesk\'s attachments now (or one just killed, whose reader processes end '
                . 'within seconds). Wait for it to finish, then run this again.');
        }
        $lock->held = true;
        return $lock;
    }

    /** Whether another connection holds the lock now (false when free or held by this one). */
    public static function heldElsewhere(): bool
    {
        $res = db_query('SELECT IS_USED_LOCK(' . db_input(self::nameFor()) . '), CONNECTION_ID()');
        $row = $res ? db_fetch_row($res) : null;
        return $row && $row[0] !== null && (string) $row[0] !== (string) $row[1];
    }

    public function release(): void
    {
        if ($this->held) {
            $this->held = false;
            db_query('SELECT RELEASE_LOCK(' . db_input($this->name) . ')');
        }
    }

    public function __destruct()
    {
        $this->release();
    }
}
