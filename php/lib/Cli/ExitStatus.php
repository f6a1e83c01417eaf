<?php
/**
 * Exit statuses of bin/s3-attachments, the same for every command, so that
 * scripts can tell "some files need attention" from "nothing could start".
 */

namespace S3Native\Cli;

final class ExitStatus
{
    /** Everything selected was done (migrate), nothing is wrong (audit). */
    const OK = 0;
    /** The command ran, and some files failed (migrate) or findings were made (audit). */
    const FAILURES = 1;
    /** Wrong options: nothing was done. */
    const USAGE = 2;
    /** The command could not start (osTicket, the plugin, the store, a lock): nothing was done. */
    const CANNOT_START = 3;
    /** Stopped before the end (a time limit, a store refusing every upload): run again to go on. */
    const STOPPED = 4;
}
