<?php
/*
 * TEST DOUBLE of `php manage.php file migrate|backends`, written from the
 * project's contract document; no osTicket code. Output goes to strings.
 *
 * As in osTicket 1.18.1 (seen by tests/osticket/): manage.php's modules
 * start osTicket without keeping it in the global $ost, so nothing a
 * command does reaches the system log: IOException (BaseError) logs only
 * when $ost is set. PHP's error log is what is left; on the command line it
 * goes to stderr unless php.ini names a file. Here it goes to $phpErrorLog.
 */

class FileManageCommand
{
    /** @var string */
    public $stdout = '';
    /** @var string */
    public $stderr = '';
    /** @var string what PHP's error_log() received during the command */
    public $phpErrorLog = '';

    /** Runs $command as manage.php would: no global $ost, error_log() captured. */
    private function asManagePhp(callable $command): int
    {
        $ost = $GLOBALS['ost'] ?? null;
        $log = tempnam(sys_get_temp_dir(), 'manage-php-log');
        $iniLog = ini_set('error_log', $log);
        $GLOBALS['ost'] = null;
        try {
            return $command();
        } finally {
            $GLOBALS['ost'] = $ost;
            ini_set('error_log', $iniLog === false ? '' : $iniLog);
            $this->phpErrorLog .= (string) file_get_contents($log);
            unlink($log);
        }
    }

    /**
     * `file migrate --backend $from --to $to`. Exits 0 even when files
     * failed; catches only IOException.
     *
     * @return int exit code
     */
    function migrate(string $to, ?string $from = null): int
    {
        return $this->asManagePhp(function () use ($to, $from) {
            return $this->runMigrate($to, $from);
        });
    }

    private function runMigrate(string $to, ?string $from): int
    {
        if (!FileStorageBackend::isRegistered($to)) {
            $this->stderr .= "Target backend is not installed. See `backends` action\n";
            return 1;
        }
        $count = 0;
        foreach (array_values(AttachmentFile::$table) as $f) {
            if (($from !== null && (string) $f->getBackend() !== $from) || (string) $f->getBackend() === $to) {
                continue;
            }
            try {
                if (!$f->migrate($to)) {
                    $this->stderr .= 'Unable to migrate ' . $f->name . "\n";
                } else {
                    $count++;
                }
            } catch (IOException $e) {
                $this->stderr .= 'IOError: ' . $e->getMessage();
            }
        }
        $this->stdout .= "Migrated $count files\n";
        return 0;
    }

    /** `file backends`: CHAR -- $desc (Class) */
    function backends(): int
    {
        return $this->asManagePhp(function () {
            return $this->runBackends();
        });
    }

    private function runBackends(): int
    {
        foreach (FileStorageBackend::allRegistered() as $char => $class) {
            $this->stdout .= sprintf("%s -- %s (%s)\n", $char, $class::$desc, $class);
        }
        return 0;
    }
}
