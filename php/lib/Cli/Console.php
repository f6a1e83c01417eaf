<?php
/**
 * Where a command talks to the admin: results on stdout (so `--json` stays
 * one clean document), everything else on stderr.
 *
 * Progress: on a terminal, one line rewritten in place; otherwise (a log
 * file, cron, a pipe) a plain line at most every LOG_INTERVAL seconds, so a
 * long run leaves a readable log instead of thousands of lines.
 */

namespace S3Native\Cli;

final class Console
{
    /** Seconds between progress lines when stderr is not a terminal. */
    const LOG_INTERVAL = 5.0;

    /** @var resource */
    private $err;
    /** @var resource */
    private $out;
    /** @var bool */
    private $terminal;
    /** @var int length of the live line on screen, 0: none */
    private $liveLength = 0;
    /** @var float when the last progress line was logged (not a terminal) */
    private $lastLogged = 0.0;
    /** @var bool */
    private $quiet = false;

    /**
     * @param resource $out
     * @param resource $err
     * @param bool|null $terminal null: ask the system whether $err is a terminal
     */
    public function __construct($out, $err, ?bool $terminal = null)
    {
        $this->out = $out;
        $this->err = $err;
        $this->terminal = $terminal ?? (function_exists('stream_isatty') && @stream_isatty($err));
    }

    /** The process's own stdout and stderr. */
    public static function standard(): self
    {
        return new self(defined('STDOUT') ? STDOUT : fopen('php://stdout', 'w'),
            defined('STDERR') ? STDERR : fopen('php://stderr', 'w'));
    }

    public function isTerminal(): bool
    {
        return $this->terminal;
    }

    /** No progress lines (log lines still go out). */
    public function setQuiet(bool $quiet): void
    {
        $this->quiet = $quiet;
    }

    /** A result, on stdout. */
    public function out(string $text): void
    {
        fwrite($this->out, $text);
    }

    /** A line for the admin, on stderr (the live progress line is cleared first). */
    public function log(string $line): void
    {
        $this->clearLive();
        fwrite($this->err, ($this->terminal ? '' : gmdate('H:i:s ')) . rtrim($line, "\n") . "\n");
    }

    /**
     * The current state of a long job. Terminal: replaces the live line.
     * Otherwise: logged when LOG_INTERVAL has passed since the last one, or
     * at once with $force (the first and last states of a run).
     */
    public function progress(string $line, bool $force = false): void
    {
        if ($this->quiet) {
            return;
        }
        if ($this->terminal) {
            $line = rtrim($line, "\n");
            $pad = max(0, $this->liveLength - strlen($line));
            fwrite($this->err, "\r" . $line . str_repeat(' ', $pad));
            $this->liveLength = strlen($line);
            return;
        }
        $now = microtime(true);
        if ($force || $now - $this->lastLogged >= self::LOG_INTERVAL) {
            $this->lastLogged = $now;
            $this->log($line);
        }
    }

    /** Ends the live line (its last state stays on screen). */
    public function endProgress(): void
    {
        if ($this->liveLength > 0) {
            fwrite($this->err, "\n");
            $this->liveLength = 0;
        }
    }

    private function clearLive(): void
    {
        if ($this->liveLength > 0) {
            fwrite($this->err, "\r" . str_repeat(' ', $this->liveLength) . "\r");
            $this->liveLength = 0;
        }
    }

    /** "12.3 MiB" */
    public static function mib(int $bytes): string
    {
        return sprintf('%.1f MiB', $bytes / 1048576);
    }

    /** "1h02m", "3m05s", "12s" */
    public static function duration(float $seconds): string
    {
        $s = (int) round(max(0, $seconds));
        if ($s >= 3600) {
            return sprintf('%dh%02dm', intdiv($s, 3600), intdiv($s % 3600, 60));
        }
        return $s >= 60 ? sprintf('%dm%02ds', intdiv($s, 60), $s % 60) : $s . 's';
    }
}
