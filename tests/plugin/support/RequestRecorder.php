<?php
/*
 * Starts request_recorder.py in front of the local S3 server: the request
 * lines a client sent, for tests that must see exact object keys.
 */

final class RequestRecorder
{
    /** @var resource */
    private $process;
    /** @var array<int, resource> */
    private $pipes = [];
    /** @var int */
    private $port;
    /** @var string */
    private $log;

    public function __construct()
    {
        $upstream = parse_url((string) getenv('S3_TEST_ENDPOINT'));
        $this->log = tempnam(sys_get_temp_dir(), 's3-native-requests-');
        $cmd = ['python3', __DIR__ . '/request_recorder.py', '--upstream',
            $upstream['host'] . ':' . $upstream['port'], '--log', $this->log];
        $this->process = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $this->pipes);
        $read = [$this->pipes[1]];
        $none = null;
        if (!is_resource($this->process) || stream_select($read, $none, $none, 10) !== 1) {
            throw new RuntimeException('request_recorder.py did not start');
        }
        $this->port = (int) fgets($this->pipes[1]);
        if ($this->port <= 0) {
            throw new RuntimeException('request_recorder.py did not start: ' . stream_get_contents($this->pipes[2]));
        }
    }

    public function endpoint(): string
    {
        return 'http://127.0.0.1:' . $this->port;
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
        if (is_resource($this->process)) {
            proc_terminate($this->process);
            proc_close($this->process);
        }
        @unlink($this->log);
    }

    public function __destruct()
    {
        $this->stop();
    }
}
