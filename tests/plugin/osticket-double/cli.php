<?php
/*
 * TEST DOUBLE of `php manage.php file migrate|backends`, written from the
 * project's contract document; no osTicket code. Output goes to strings.
 */

class FileManageCommand
{
    /** @var string */
    public $stdout = '';
    /** @var string */
    public $stderr = '';

    /**
     * `file migrate --backend $from --to $to`. Exits 0 even when files
     * failed; catches only IOException.
     *
     * @return int exit code
     */
    function migrate(string $to, ?string $from = null): int
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
        foreach (FileStorageBackend::allRegistered() as $char => $class) {
            $this->stdout .= sprintf("%s -- %s (%s)\n", $char, $class::$desc, $class);
        }
        return 0;
    }
}
