<?php
// Shared by the compatibility tests: a backend on a target in a checksums
// mode (through fault_proxy.py when the target is a proxy mode), a direct
// backend on the store behind it, and the assertions on a mode that cannot
// work there.

declare(strict_types=1);

use PHPUnit\Framework\TestCase;

abstract class CompatTestCase extends TestCase
{
    protected const MIB = 1048576;
    /** The smallest part S3 allows: 12 MiB objects become 3 parts (5, 5, 2 MiB). */
    protected const PART = 5 * self::MIB;
    protected const MULTIPART_SIZE = 12 * self::MIB;

    protected ?FaultProxy $proxy = null;
    /** @var array{connections:int, faults:int, flipped:list<int>}|null */
    protected ?array $proxyStats = null;

    protected function tearDown(): void
    {
        $this->stopProxy();
    }

    protected function stopProxy(): ?array
    {
        if ($this->proxy !== null) {
            $this->proxyStats = $this->proxy->stop();
            $this->proxy = null;
        }
        return $this->proxyStats;
    }

    /** A proxy that only relays (a mode that works there) found nothing to refuse or alter. */
    protected function assertProxyIdle(Target $t, string $mode): void
    {
        $stats = $this->stopProxy();
        if ($t->proxyArgs !== null && $t->fate($mode) === Target::CRC32C_WORKS) {
            $this->assertSame(0, $stats['faults'], "fault_proxy " . implode(' ', $t->proxyArgs)
                . " found requests to refuse or answers to alter in mode '$mode'");
        }
    }

    /** @return array<string, array{string}> every checksums mode, for a test on one target */
    public static function modes(): array
    {
        return ['crc32c' => ['crc32c'], 'md5' => ['md5'], 'none' => ['none']];
    }

    protected static function seaweedfs(): Target
    {
        return Target::all()['seaweedfs'];
    }

    /** A backend in this mode on SeaweedFS behind a fault_proxy.py in these modes. */
    protected function seaweedfsBehind(string $mode, string ...$proxyArgs): S3AttachmentBackend
    {
        $this->proxy = new FaultProxy(...$proxyArgs);
        return $this->backend(self::seaweedfs(), $mode, ['endpoint' => $this->proxy->endpoint()]);
    }

    /** $data stored through createUpload(), written a MiB at a time; its result. */
    protected static function uploadInParts(S3AttachmentBackend $b, string $key, string $data): array
    {
        $u = $b->createUpload($key);
        foreach (str_split($data, self::MIB) as $block) {
            $u->write($block);
        }
        return $u->finish();
    }

    /** @return array<string, array{Target, string}> every (target, mode) pair */
    public static function targetsAndModes(): array
    {
        $cases = [];
        foreach (Target::all() as $name => $target) {
            foreach (['crc32c', 'md5', 'none'] as $mode) {
                $cases["$name, $mode"] = [$target, $mode];
            }
        }
        return $cases;
    }

    private static function prefix(): string
    {
        static $run = null;
        $run ??= 'compat-' . getmypid() . '-' . bin2hex(random_bytes(3));
        return $run . '/' . static::class;
    }

    private static function baseOptions(Target $target, array $overrides): array
    {
        return array_merge($target->storeOptions(), [
            'region' => 'us-east-1',
            'path_style' => true,
            'prefix' => self::prefix(),
            'part_size' => self::PART,
            'multipart_threshold' => self::PART,
            'connect_timeout' => 5,
            'operation_timeout' => 30,
        ], $overrides);
    }

    /** A backend on the target in this mode; starts the target's proxy when it has one. */
    protected function backend(Target $target, string $mode, array $overrides = []): S3AttachmentBackend
    {
        $options = self::baseOptions($target, ['checksums' => $mode] + $overrides);
        if ($target->proxyArgs !== null) {
            $this->proxy ??= new FaultProxy(...$target->proxyArgs);
            $options['endpoint'] = $this->proxy->endpoint();
        }
        return new S3AttachmentBackend($options);
    }

    /** The store behind the target, without any proxy, in md5 mode (which every target supports). */
    protected static function direct(Target $target): S3AttachmentBackend
    {
        return new S3AttachmentBackend(self::baseOptions($target, ['checksums' => 'md5']));
    }

    /** A key no other case uses. */
    protected function key(string $name): string
    {
        return $this->getName(false) . '/' . $name . '-' . bin2hex(random_bytes(4));
    }

    /** Deterministic, incompressible bytes of a given size. */
    protected static function bytes(int $size, string $seed): string
    {
        $out = '';
        for ($block = 0; strlen($out) < $size; $block++) {
            $out .= hash('sha512', $seed . $block, true);
        }
        return substr($out, 0, $size);
    }

    /**
     * The failure a mode that cannot work on a target must produce: the
     * option to change is named ('checksums') and so is the value that works
     * ('md5'); a refusal also carries the store's own error.
     */
    protected function assertChecksumsFailure(Throwable $e, string $fate, string $what, bool $answerHasBody = true): void
    {
        $message = $e->getMessage();
        $this->assertInstanceOf($fate === Target::CRC32C_WRONG_MULTIPART
            ? S3AttachmentIntegrityException::class : S3AttachmentException::class, $e,
            "$what: wrong exception class for a checksum failure: " . get_class($e) . ": $message");
        $this->assertSame('checksums', $e->getOptionName(), "$what: getOptionName() must be 'checksums': $message");
        $this->assertStringContainsString("'md5'", $message, "$what: the message must name the setting that works");
        if ($fate === Target::CRC32C_REFUSED && !$answerHasBody) {
            // A HEAD answer has no body: no error code, no message of the store's.
            $this->assertSame(400, $e->getHttpStatus(), "$what: $message");
        } elseif ($fate === Target::CRC32C_REFUSED) {
            $this->assertSame('InvalidArgument', $e->getS3Code(), "$what: $message");
            $this->assertStringContainsString("Unsupported header '", $message,
                "$what: the message must carry the store's own error");
        }
    }

    /** Runs $op, which must fail as $fate says. */
    protected function assertFailsForChecksums(string $fate, string $what, callable $op, bool $answerHasBody = true): void
    {
        try {
            $op();
        } catch (S3AttachmentException $e) {
            $this->assertChecksumsFailure($e, $fate, $what, $answerHasBody);
            return;
        }
        $this->fail("$what succeeded, but this mode cannot work on this target ($fate)");
    }

    /** Everything an openRead() stream yields, in 1 MiB reads. */
    protected static function readStream(S3AttachmentBackend $b, string $key, int $offset = 0): string
    {
        $reader = $b->openRead($key, $offset);
        $out = '';
        while (($chunk = $reader->read(self::MIB)) !== '') {
            $out .= $chunk;
        }
        return $out;
    }

    /** What passthru() writes to PHP's output, captured with ob_start(); [bytes reported, bytes output]. */
    protected static function passthruToString(S3AttachmentBackend $b, string $key, int $offset = 0, ?int $length = null): array
    {
        ob_start();
        try {
            $sent = $b->passthru($key, $offset, $length);
        } finally {
            $out = (string) ob_get_clean();
        }
        return [$sent, $out];
    }

    /** A presigned URL fetched with curl: [HTTP status, body]. */
    protected static function fetch(string $url): array
    {
        $ch = curl_init($url);
        curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 30]);
        $body = curl_exec($ch);
        if (!is_string($body)) {
            throw new RuntimeException('curl failed: ' . curl_error($ch));
        }
        return [curl_getinfo($ch, CURLINFO_RESPONSE_CODE), $body];
    }

    /** Multipart uploads left open under an object key, asked from the store directly. */
    protected static function openUploads(Target $target, string $objectKey): int
    {
        if (!$target->moto) {
            return open_multipart_uploads($objectKey);
        }
        // moto checks no signature: a plain request lists them.
        $o = $target->storeOptions();
        [$status, $xml] = self::fetch("{$o['endpoint']}/{$o['bucket']}?uploads&prefix=" . rawurlencode($objectKey));
        if ($status !== 200 || !str_contains($xml, 'ListMultipartUploadsResult')) {
            throw new RuntimeException("listing multipart uploads on moto failed (HTTP $status): $xml");
        }
        return substr_count($xml, '<Upload>');
    }

    /**
     * A put result must claim only what is true: a size equal to the data's,
     * checksums (if any) equal to the data's, none at all in mode 'none'.
     */
    protected function assertPutResult(array $result, string $data, string $mode, string $what): void
    {
        $this->assertSame(strlen($data), $result['size'], "$what: size");
        $checksums = $result['checksums'];
        if ($mode === 'none') {
            $this->assertSame([], $checksums, "$what: mode 'none' must confirm no checksum");
        }
        if (isset($checksums['crc32c'])) {
            $this->assertSame(hash('crc32c', $data), $checksums['crc32c'], "$what: reported crc32c");
        }
        if (isset($checksums['md5'])) {
            $this->assertSame(md5($data), $checksums['md5'], "$what: reported md5");
        }
        $this->assertSame([], array_diff(array_keys($checksums), ['crc32c', 'md5']), "$what: unknown checksums");
    }
}
