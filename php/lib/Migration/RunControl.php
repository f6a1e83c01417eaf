<?php
/**
 * How a migration run is steered: uploads in flight, when to stop (a time
 * budget, or the engine deciding the store is down), whom to tell about
 * progress.
 */

namespace S3Native\Migration;

final class RunControl
{
    /** @var int uploads in flight at once */
    public $jobs = 16;
    /** @var float|null microtime(true) after which no new file is started */
    public $deadline;
    /** @var callable|null fn(Report): void, called as files complete */
    public $onProgress;
    /** @var int bytes of small files read from the database in one query */
    public $groupBytes = 8 << 20;
    /** @var int bytes the upload queue may hold (at least the extension's multipart threshold, 16 MiB) */
    public $queueBytes = 32 << 20;
    /** @var int processes reading and checking database files ahead (ReaderProcesses); 0: this process reads */
    public $readerProcesses = 0;
    /**
     * @var int seconds to wait for the store lock. Reader processes inherit
     *      their run's database socket (PHP opens sockets inheritable), so
     *      the lock of a run killed a moment ago lasts until they have ended
     *      too, at most one query later: that is what keeps a rerun from
     *      working beside a deleter still finishing. The wait lets the rerun
     *      start anyway.
     */
    public $lockWaitSeconds = 0;

    public function shouldStop(Report $report): bool
    {
        if ($report->stopped !== null) {
            return true;
        }
        if ($this->deadline !== null && microtime(true) >= $this->deadline) {
            $report->stopped = 'the time limit was reached; run again to go on where this run stopped';
            return true;
        }
        return false;
    }

    public function progress(Report $report): void
    {
        if ($this->onProgress) {
            ($this->onProgress)($report);
        }
    }
}
