<?php
// Starts tests/support/fault_proxy.py in front of the local S3 server and
// stops it again; see that file for the faults it can inject.

declare(strict_types=1);

final class FaultProxy
{
    /** @var resource */
    private $process;
    /** @var array<int, resource> */
    private array $pipes = [];
    public readonly int $port;
    private ?array $stats = null;

    public function __construct(string ...$faultArgs)
    {
        $upstream = parse_url((string) getenv('S3_TEST_ENDPOINT'));
        $cmd = array_merge(['python3', __DIR__ . '/fault_proxy.py', '--upstream',
            $upstream['host'] . ':' . $upstream['port']], $faultArgs);
        $this->process = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $this->pipes);
        if (!is_resource($this->process)) {
            throw new RuntimeException('cannot start fault_proxy.py');
        }
        $read = [$this->pipes[1]];
        $none = null;
        if (stream_select($read, $none, $none, 10) !== 1) {
            throw new RuntimeException('fault_proxy.py did not start: ' . stream_get_contents($this->pipes[2]));
        }
        $this->port = (int) fgets($this->pipes[1]);
    }

    public function endpoint(string $scheme = 'http'): string
    {
        return "$scheme://127.0.0.1:{$this->port}";
    }

    /** Stops the proxy; returns its counts of connections and faults. */
    public function stop(): array
    {
        if ($this->stats === null) {
            proc_terminate($this->process, SIGTERM);
            $out = stream_get_contents($this->pipes[1]);
            proc_close($this->process);
            $this->stats = json_decode(trim((string) $out), true) ?? ['connections' => -1, 'faults' => -1];
        }
        return $this->stats;
    }

    public function __destruct()
    {
        $this->stop();
    }
}
