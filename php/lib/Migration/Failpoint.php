<?php
/**
 * For tests only: S3_ATTACHMENTS_FAILPOINT=NAME makes the process kill
 * itself with SIGKILL when it reaches the point NAME, as `kill -9` from
 * outside would at that instant, so tests can prove that the next run
 * completes what this one left. Unset (always, in production) it does
 * nothing. NAME may end in "@N": the Nth time the point is reached.
 *
 * Points: after-journal (entries written, nothing copied yet), mid-upload
 * (a multipart upload has parts in the store), before-switch (copies
 * verified, rows not switched), after-switch (rows switched, source copies
 * still there), after-delete-asked (their chunks' delete handed to the
 * deleting process, not known to be done), and for --to D: after-chunks (chunks written, row not
 * switched), after-switch-to-d (row switched, object still there). In
 * reader processes (which inherit the variable): reader-start (before it
 * says it is ready), reader-answer (before each file's answer).
 */

namespace S3Native\Migration;

final class Failpoint
{
    const ENV = 'S3_ATTACHMENTS_FAILPOINT';

    /** @var array<string, int> */
    private static $hits = [];

    public static function hit(string $name): void
    {
        $wanted = getenv(self::ENV);
        if ($wanted === false || $wanted === '') {
            return;
        }
        [$point, $nth] = array_pad(explode('@', $wanted, 2), 2, '1');
        if ($point !== $name) {
            return;
        }
        self::$hits[$name] = (self::$hits[$name] ?? 0) + 1;
        if (self::$hits[$name] === max(1, (int) $nth)) {
            fwrite(STDERR, "failpoint $name: killing this process (SIGKILL)\n");
            posix_kill(getmypid(), 9);
            sleep(5); // the signal is delivered before this returns
        }
    }
}
