<?php
/*
 * TEST DOUBLE of osTicket's global $ost (system log) and $cfg (helpdesk
 * settings), written from the project's contract document; no osTicket code.
 *
 * The system log is a recorder: every logError/logWarning/logInfo call is
 * kept in $ost->logs so tests can assert what an admin would see in
 * Admin Panel > Dashboard > System Logs.
 */

class OsticketConfig
{
    /** @var string|null Admin > Settings > System > Store Attachments (a backend character) */
    public $defaultStorageChar = null;
    /** @var int 1 errors, 2 warnings, 3 debug (adds backtraces to logged errors) */
    public $logLevel = 2;

    function getDefaultStorageBackendChar()
    {
        return $this->defaultStorageChar;
    }

    function getLogLevel()
    {
        return $this->logLevel;
    }
}

class osTicket
{
    /** @var OsticketConfig */
    public $config;
    /** @var array<int, array{level: string, title: string, message: string, alert: bool}> */
    public $logs = [];

    function __construct(OsticketConfig $config)
    {
        $this->config = $config;
    }

    function getConfig()
    {
        return $this->config;
    }

    function logError($title, $error, $alert = true)
    {
        return $this->log('error', $title, $error, $alert);
    }

    function logWarning($title, $message, $alert = true)
    {
        return $this->log('warning', $title, $message, $alert);
    }

    function logInfo($title, $message, $alert = false)
    {
        return $this->log('info', $title, $message, $alert);
    }

    function logDebug($title, $message, $force = false)
    {
        return $this->log('debug', $title, $message, false);
    }

    private function log(string $level, $title, $message, $alert)
    {
        $this->logs[] = ['level' => $level, 'title' => (string) $title,
            'message' => (string) $message, 'alert' => (bool) $alert];
        return true;
    }

    /** @return array entries of one level */
    function logsOf(string $level): array
    {
        return array_values(array_filter($this->logs, function ($entry) use ($level) {
            return $entry['level'] === $level;
        }));
    }
}
