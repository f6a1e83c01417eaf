<?php
declare(strict_types=1);

/**
 * Without keys in the options, credentials come from the standard AWS
 * chain. Each case runs in a fresh PHP process with its own environment.
 */
final class CredentialChainTest extends S3TestCase
{
    private static function runWith(array $env, array $options): array
    {
        $script = <<<'PHP'
            $o = json_decode($argv[1], true);
            try {
                $b = new S3AttachmentBackend($o);
                $b->putString('chain-test', 'via chain');
                echo json_encode(['ok' => $b->read('chain-test')]);
            } catch (S3AttachmentException $e) {
                echo json_encode(['class' => get_class($e), 'message' => $e->getMessage()]);
            }
            PHP;
        $cmd = [PHP_BINARY, '-n', '-d', 'extension=' . self::loadedExtensionPath(), '-r', $script, json_encode($options)];
        $base = ['PATH' => getenv('PATH'), 'HOME' => sys_get_temp_dir(), 'AWS_EC2_METADATA_DISABLED' => 'true',
                 'AWS_CONFIG_FILE' => '/nonexistent', 'AWS_SHARED_CREDENTIALS_FILE' => '/nonexistent'];
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, array_merge($base, $env));
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        proc_close($proc);
        $decoded = json_decode($out, true);
        self::assertIsArray($decoded, "child printed: $out $err");
        return $decoded;
    }

    private static function loadedExtensionPath(): string
    {
        $path = getenv('S3A_EXTENSION_PATH');
        self::assertNotFalse($path, 'S3A_EXTENSION_PATH must name the built .so (scripts/test sets it)');
        return $path;
    }

    private static function chainOptions(array $extra = []): array
    {
        $o = self::options($extra);
        unset($o['access_key_id'], $o['secret_access_key']);
        return $o;
    }

    public function test_credentials_from_environment(): void
    {
        $r = self::runWith(['AWS_ACCESS_KEY_ID' => getenv('S3_TEST_ACCESS_KEY'),
                            'AWS_SECRET_ACCESS_KEY' => getenv('S3_TEST_SECRET_KEY')], self::chainOptions());
        $this->assertSame(['ok' => 'via chain'], $r);
    }

    public function test_credentials_from_shared_file_and_profile(): void
    {
        $file = tempnam(sys_get_temp_dir(), 'awscreds');
        file_put_contents($file, "[helpdesk]\naws_access_key_id = " . getenv('S3_TEST_ACCESS_KEY')
            . "\naws_secret_access_key = " . getenv('S3_TEST_SECRET_KEY') . "\n");
        try {
            $r = self::runWith(['AWS_SHARED_CREDENTIALS_FILE' => $file], self::chainOptions(['profile' => 'helpdesk']));
            $this->assertSame(['ok' => 'via chain'], $r);
        } finally {
            unlink($file);
        }
    }

    public function test_no_credentials_anywhere_says_how_to_provide_them(): void
    {
        $r = self::runWith([], self::chainOptions());
        $this->assertSame('S3AttachmentAccessDeniedException', $r['class'] ?? null, json_encode($r));
        $this->assertStringContainsString('credential', $r['message']);
        $this->assertStringContainsString('access_key_id', $r['message']);
    }
}
