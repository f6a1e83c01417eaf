<?php
// fault_proxy.py --log-requests in front of the local S3 server: the
// request lines a client sent, for tests that must see exact object keys
// or count the store's reads.

declare(strict_types=1);

require_once __DIR__ . '/FaultProxy.php';

final class RequestRecorder
{
    private FaultProxy $proxy;
    private string $log;

    public function __construct()
    {
        $this->log = tempnam(sys_get_temp_dir(), 's3-native-requests-');
        $this->proxy = new FaultProxy('--log-requests', $this->log);
    }

    public function endpoint(): string
    {
        return $this->proxy->endpoint();
    }

    /** @return string[] "METHOD /path?query" of every request so far */
    public function requests(): array
    {
        $lines = file($this->log, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [];
        return array_map(function ($line) {
            return preg_replace('# HTTP/1\.[01]$#', '', $line);
        }, $lines);
    }

    /** @return string[] the paths (without query) of the requests of one method */
    public function paths(string $method): array
    {
        $paths = [];
        foreach ($this->requests() as $request) {
            [$m, $target] = explode(' ', $request, 2);
            if ($m === $method) {
                $paths[] = explode('?', $target, 2)[0];
            }
        }
        return $paths;
    }

    public function stop(): void
    {
        $this->proxy->stop();
        @unlink($this->log);
    }

    public function __destruct()
    {
        $this->stop();
    }
}
