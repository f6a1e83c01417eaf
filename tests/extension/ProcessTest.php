<?php
declare(strict_types=1);

/** php-fpm and mod_php fork after startup; a fork child must keep working. */
final class ProcessTest extends S3TestCase
{
    public function test_fork_child_uses_a_backend_its_parent_used(): void
    {
        $this->assertTrue(function_exists('pcntl_fork'), 'pcntl is needed for this test');
        $b = self::backend();
        $key = $this->key();
        $b->putString($key, 'parent wrote this');
        $this->assertSame('parent wrote this', $b->read($key));

        $pid = pcntl_fork();
        $this->assertNotSame(-1, $pid);
        if ($pid === 0) {
            // Child: exit code tells the parent what happened.
            $ok = false;
            try {
                $ok = $b->read($key) === 'parent wrote this'
                    && $b->putString($key . '-child', 'child wrote this')['size'] === 16;
            } catch (Throwable $e) {
                fwrite(STDERR, "child failed: {$e->getMessage()}\n");
            }
            posix_kill(getmypid(), $ok ? SIGUSR1 : SIGUSR2);
            exit(0);
        }
        pcntl_waitpid($pid, $status);
        $this->assertTrue(pcntl_wifsignaled($status), 'child ended by its own signal');
        $this->assertSame(SIGUSR1, pcntl_wtermsig($status), 'child read and wrote');
        $this->assertSame('child wrote this', $b->read($key . '-child'));
        $this->assertSame('parent wrote this', $b->read($key), 'parent still works');
    }

    public function test_clients_are_reused_across_backends_with_the_same_configuration(): void
    {
        $before = self::clientCount();
        self::backend()->head('a');
        self::backend()->head('b');
        $afterSame = self::clientCount();
        self::backend(['operation_timeout' => 31])->head('c');
        $this->assertLessThanOrEqual($before + 1, $afterSame);
        $this->assertSame($afterSame + 1, self::clientCount(), 'a different configuration gets its own client');
    }

    private static function clientCount(): int
    {
        ob_start();
        phpinfo(INFO_MODULES);
        preg_match('/S3 clients in this process => (\d+)/', ob_get_clean(), $m);
        self::assertNotEmpty($m);
        return (int) $m[1];
    }

    public function test_nothing_starts_before_the_first_request(): void
    {
        // A fresh process after loading the extension, building a backend,
        // presigning nothing and printing phpinfo(): one thread, no runtime.
        // After a request: the request runtime, driven by the PHP thread (at
        // most a blocking-pool thread besides, for a DNS lookup), and still
        // no parts runtime: only a multipart upload starts that one.
        $state = 'ob_start(); phpinfo(INFO_MODULES); $i = ob_get_clean();'
            . 'preg_match("/request runtime in this process => (.*)/", $i, $r);'
            . 'preg_match("/multipart parts runtime in this process => (.*)/", $i, $p);'
            . 'echo $r[1] ?? "?", ",", $p[1] ?? "?", "|", implode("", preg_grep("/^Threads:/", file("/proc/self/status")));';
        $script = '$b = new S3AttachmentBackend(["bucket" => "bkt", "endpoint" => "http://127.0.0.1:1"]);'
            . $state
            . '$b->objectKey("k");'
            . 'try { $b->head("k"); } catch (S3AttachmentException $e) {}'
            . $state;
        $out = shell_exec(escapeshellarg(PHP_BINARY) . ' -n -d extension=' . escapeshellarg((string) getenv('S3A_EXTENSION_PATH'))
            . ' -r ' . escapeshellarg($script));
        $this->assertMatchesRegularExpression(
            '/^not started,not started\|Threads:\s+1\nstarted,not started\|Threads:\s+[12]\n$/', (string) $out,
            'nothing until the first request, then only the request runtime, on the PHP thread');
    }

    public function test_a_multipart_upload_starts_the_parts_runtime(): void
    {
        $script = '$b = new S3AttachmentBackend(' . var_export(self::options(['part_size' => 5 << 20, 'multipart_threshold' => 5 << 20]), true) . ');'
            . '$b->putString("small-' . bin2hex(random_bytes(4)) . '", "x");'
            . 'ob_start(); phpinfo(INFO_MODULES); $before = ob_get_clean();'
            . '$k = "big-' . bin2hex(random_bytes(4)) . '"; $b->putString($k, str_repeat("y", (5 << 20) + 1)); $b->delete($k);'
            . 'ob_start(); phpinfo(INFO_MODULES); $after = ob_get_clean();'
            . 'foreach ([$before, $after] as $i) { preg_match("/multipart parts runtime in this process => (.*)/", $i, $m); echo $m[1] ?? "?", "|"; }'
            . 'echo implode("", preg_grep("/^Threads:/", file("/proc/self/status")));';
        $out = shell_exec(escapeshellarg(PHP_BINARY) . ' -n -d extension=' . escapeshellarg((string) getenv('S3A_EXTENSION_PATH'))
            . ' -r ' . escapeshellarg($script) . ' 2>&1');
        // Its two workers are threads of the process from then on.
        $this->assertMatchesRegularExpression('/^not started\|started\|Threads:\s+[3-4]\n$/', (string) $out);
    }

    public function test_an_upload_or_reader_used_in_a_fork_child_throws_at_once(): void
    {
        $b = self::backend(['multipart_threshold' => 5 * self::MIB, 'part_size' => 5 * self::MIB]);
        $key = $this->key();
        $b->putString($key, self::bytes(100_000));
        $reader = $b->openRead($key);
        $upload = $b->createUpload($key . '-upload');
        $upload->write(self::bytes(6 * self::MIB)); // multipart: the parent's upload id and part tasks

        $pid = pcntl_fork();
        $this->assertNotSame(-1, $pid);
        if ($pid === 0) {
            pcntl_alarm(20); // a use that hangs ends the child by SIGALRM: a failure, not a stuck suite
            $refused = 0;
            foreach ([fn () => $reader->read(10), fn () => $upload->write('x'), fn () => $upload->finish(),
                      fn () => $upload->abort()] as $use) {
                try {
                    $use();
                } catch (S3AttachmentException $e) {
                    $refused += str_contains($e->getMessage(), 'another process') ? 1 : 0;
                }
            }
            posix_kill(getmypid(), $refused === 4 ? SIGUSR1 : SIGUSR2);
            exit(0);
        }
        pcntl_waitpid($pid, $status);
        $this->assertSame(SIGUSR1, pcntl_wtermsig($status),
            'every use in the child threw at once (SIGALRM: one hung for 20 s, SIGUSR2: one did not throw)');
        // The parent's own objects are untouched by the child.
        $this->assertSame(self::bytes(100_000), $reader->read(200_000));
        $this->assertSame(6 * self::MIB + 1, $upload->write('y') + 6 * self::MIB);
        $this->assertSame(6 * self::MIB + 1, $upload->finish()['size']);
    }
}
