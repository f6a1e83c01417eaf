<?php
/**
 * One reader process of the migration (reader-process.php, started with
 * this PHP binary): it connects to osTicket's database as osTicket does,
 * then reads and checks the groups of database files it is asked for
 * (SmallFiles::readFromDatabase), in order, while the migration uploads
 * and switches the groups before them; or deletes the chunks of files
 * moved (ChunkDeletes).
 *
 * Requests: a JSON line each on its stdin: a list of rows, or {"delete":
 * [ids]}. Answers, on its descriptor 3: per file a JSON line, then the
 * file's bytes when it passed; {"deleted": rows} for a delete.
 * Its stdout and stderr go to a log file, shown when it fails. It ends at
 * the end of its stdin, or when its answers can no longer be written (the
 * migration is gone).
 */

namespace S3Native\Migration;

final class ReaderProcess
{
    /** Seconds a reader may take to boot and connect. */
    const START_SECONDS = 30;
    /** Bytes of its log quoted when it fails. */
    const LOG_TAIL = 2000;
    /** Settings of this process a reader gets too (php -d given to the command included). */
    const INHERITED_SETTINGS = ['memory_limit', 'default_socket_timeout', 'mysqli.default_host',
        'mysqli.default_port', 'mysqli.default_socket'];

    /** @var resource */
    private $process;
    /** @var resource its stdin */
    private $requests;
    /** @var resource its descriptor 3 */
    private $answers;
    /** @var resource|null its stdout and stderr: a file already unlinked, so nothing outlives the run */
    private $log;
    /** @var int */
    private $pid;
    /** @var string an answer line begun, not ended (non-blocking reads) */
    private $partial = '';

    /**
     * Starts $count of them at once and waits until each has connected.
     *
     * @return list<self>
     * @throws \RuntimeException why they could not start (those started are stopped)
     */
    public static function startMany(int $count, string $osticketRoot): array
    {
        $readers = [];
        try {
            for ($i = 0; $i < $count; $i++) {
                $readers[] = self::spawn($osticketRoot);
            }
            foreach ($readers as $reader) {
                $reader->awaitReady();
            }
        } catch (\RuntimeException $e) {
            foreach ($readers as $reader) {
                $reader->stop(true);
            }
            throw $e;
        }
        return $readers;
    }

    private static function spawn(string $osticketRoot): self
    {
        $script = __DIR__ . '/reader-process.php';
        if (!function_exists('proc_open')) {
            throw new \RuntimeException('proc_open() is disabled in this PHP');
        }
        if (PHP_BINARY === '' || !is_file($script)) {
            throw new \RuntimeException('no PHP binary or no ' . basename($script) . ' to run');
        }
        $path = tempnam(sys_get_temp_dir(), 's3a-reader-');
        $log = $path !== false ? fopen($path, 'w+') : false;
        if ($path !== false) {
            @unlink($path);
        }
        $output = $log ?: ['file', '/dev/null', 'w'];
        // The same php.ini as this process (php -c FILE), and the settings
        // that decide whether it can connect and read (php -d).
        $command = [PHP_BINARY];
        if (php_ini_loaded_file() !== false) {
            array_push($command, '-c', php_ini_loaded_file());
        }
        foreach (self::INHERITED_SETTINGS as $name) {
            $value = ini_get($name);
            if ($value !== false && $value !== '') {
                array_push($command, '-d', "$name=$value");
            }
        }
        array_push($command, $script, $osticketRoot);
        $process = proc_open($command, [0 => ['pipe', 'r'], 1 => $output, 2 => $output, 3 => ['pipe', 'w']], $pipes);
        if (!is_resource($process)) {
            throw new \RuntimeException('proc_open() failed');
        }
        return new self($process, $pipes[0], $pipes[3], $log ?: null);
    }

    private function awaitReady(): void
    {
        $ready = [$this->answers];
        $none = [];
        if (!stream_select($ready, $none, $none, self::START_SECONDS)) {
            throw new \RuntimeException(sprintf('a reader process did not answer within %d s', self::START_SECONDS));
        }
        $hello = $this->header();
        if (($hello['ready'] ?? false) !== true) {
            throw new \RuntimeException('a reader process did not start: ' . json_encode($hello));
        }
    }

    private function __construct($process, $requests, $answers, $log)
    {
        $this->process = $process;
        $this->requests = $requests;
        $this->answers = $answers;
        $this->log = $log;
        $this->pid = (int) (proc_get_status($process)['pid'] ?? 0);
    }

    /** Asks for a group of database files: list<row> with id, size, signature. */
    public function ask(array $rows): void
    {
        $this->request(array_map(function ($row) {
            return ['id' => (int) $row['id'], 'size' => (int) $row['size'], 'signature' => (string) $row['signature'],
                'bk' => 'D'];
        }, array_values($rows)));
    }

    /** Asks it to delete the chunks of these files; deleted() gives the answer. */
    public function askDelete(array $ids): void
    {
        $this->request(['delete' => array_map('intval', array_values($ids))]);
    }

    /**
     * The rows deleted by the oldest delete asked for; null when $wait is
     * false and it is not done yet.
     */
    public function deleted(bool $wait): ?int
    {
        stream_set_blocking($this->answers, $wait);
        $line = fgets($this->answers);
        stream_set_blocking($this->answers, true);
        if ($line !== false) {
            $this->partial .= $line;
        }
        if (substr($this->partial, -1) !== "\n") {
            if ($wait || feof($this->answers)) {
                throw $this->died('deleting');
            }
            return null;
        }
        $h = $this->answer($this->partial);
        $this->partial = '';
        if (!isset($h['deleted'])) {
            throw $this->died('deleting');
        }
        return (int) $h['deleted'];
    }

    /**
     * The answer to the oldest group asked for, which must be $rows.
     *
     * @return array<int, CheckedContent|FileRejected> by file id
     */
    public function take(array $rows): array
    {
        $out = [];
        foreach ($rows as $row) {
            $id = (int) $row['id'];
            $h = $this->header();
            if (($h['id'] ?? null) !== $id) {
                throw $this->died("answering for file $id");
            }
            if (!$h['ok']) {
                $out[$id] = new FileRejected((string) $h['reason']);
                continue;
            }
            $size = (int) $h['bytes'];
            $data = $size > 0 ? stream_get_contents($this->answers, $size) : '';
            if (!is_string($data) || strlen($data) !== $size) {
                throw $this->died("sending file $id");
            }
            $out[$id] = new CheckedContent($data,
                ContentDigest::known($size, (string) $h['signature'], (string) $h['md5'], (string) $h['crc32c']),
                (bool) $h['repaired']);
        }
        return $out;
    }

    /**
     * Ends it: it stops at the end of its requests, or at its next answer
     * (nobody reads them any more); $now: at once (one that never got ready
     * may hang in its connect).
     */
    public function stop(bool $now = false): void
    {
        foreach ([$this->answers, $this->requests] as $pipe) {
            if (is_resource($pipe)) {
                fclose($pipe);
            }
        }
        if (is_resource($this->process)) {
            if ($now) {
                proc_terminate($this->process, 9);
            }
            proc_close($this->process);
        }
        if (is_resource($this->log)) {
            fclose($this->log);
        }
        $this->log = null;
    }

    private function request(array $request): void
    {
        $line = json_encode($request) . "\n";
        if (@fwrite($this->requests, $line) !== strlen($line)) {
            throw $this->died('taking a request');
        }
    }

    /** @return array<string, mixed> the next answer line */
    private function header(): array
    {
        $line = fgets($this->answers);
        if ($line === false) {
            throw $this->died('answering');
        }
        return $this->answer($line);
    }

    /**
     * @return array<string, mixed> an answer line, decoded
     * @throws \RuntimeException when it is not one, or says the reader failed
     */
    private function answer(string $line): array
    {
        $h = json_decode($line, true);
        if (!is_array($h)) {
            throw $this->died('answering');
        }
        if (isset($h['error'])) {
            throw new \RuntimeException('a reader process of the migration failed: ' . $h['error']);
        }
        return $h;
    }

    private function died(string $while): \RuntimeException
    {
        $tail = '';
        if (is_resource($this->log)) {
            $size = (int) (fstat($this->log)['size'] ?? 0);
            fseek($this->log, max(0, $size - self::LOG_TAIL));
            $tail = trim((string) stream_get_contents($this->log));
        }
        // A PHP trace of osTicket's connect may carry its arguments.
        if (defined('DBPASS') && (string) DBPASS !== '') {
            $tail = str_replace((string) DBPASS, '(the database password)', $tail);
        }
        return new \RuntimeException(sprintf('a reader process of the migration (pid %d) stopped while %s%s',
            $this->pid, $while, $tail !== '' ? '; it said: ' . preg_replace('/\s+/', ' ', $tail) : ''));
    }
}
