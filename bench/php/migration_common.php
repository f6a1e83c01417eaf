<?php
/*
 * What bench/migration's PHP helpers share: configuration from the
 * environment, the process's CPU and peak RSS, and a backend on the bucket
 * the plugin writes to (the same endpoint: straight, or through the latency
 * proxy).
 */

function bench_env(string $name): string
{
    $value = getenv($name);
    if ($value === false || $value === '') {
        fwrite(STDERR, "$name is not set: run this through bench/migration\n");
        exit(1);
    }
    return $value;
}

/** User + system CPU of this process, all threads (the extension's runtime included). */
function cpu_seconds(): float
{
    $u = getrusage();
    return $u['ru_utime.tv_sec'] + $u['ru_utime.tv_usec'] / 1e6 + $u['ru_stime.tv_sec'] + $u['ru_stime.tv_usec'] / 1e6;
}

/** VmHWM (peak resident set) of this process, in bytes. */
function vm_hwm(): int
{
    preg_match('/^VmHWM:\s+(\d+) kB/m', (string) file_get_contents('/proc/self/status'), $m);
    return (int) ($m[1] ?? 0) * 1024;
}

/** A backend on the test bucket, path-style (SeaweedFS), through $endpoint (default: BENCH_S3_ENDPOINT). */
function bench_backend(?string $endpoint = null): S3AttachmentBackend
{
    return new S3AttachmentBackend([
        'bucket' => bench_env('S3_TEST_BUCKET'),
        'endpoint' => $endpoint ?? bench_env('BENCH_S3_ENDPOINT'),
        'region' => bench_env('S3_TEST_REGION'),
        'path_style' => true,
        'access_key_id' => bench_env('S3_TEST_ACCESS_KEY'),
        'secret_access_key' => bench_env('S3_TEST_SECRET_KEY'),
    ]);
}

/**
 * Every key under $prefix, with a plain signed ListObjectsV2 (curl's own
 * SigV4), page after page: independent of the extension's listing. Pages
 * go on with start-after (the last key): curl 7.88 signs a
 * continuation-token's characters in a way the store refuses.
 *
 * @return string[]
 */
function bench_list_keys(string $prefix): array
{
    $keys = [];
    $after = null;
    do {
        $url = rtrim(bench_env('S3_TEST_ENDPOINT'), '/') . '/' . bench_env('S3_TEST_BUCKET')
            . '?list-type=2&max-keys=1000&prefix=' . rawurlencode($prefix)
            . ($after !== null ? '&start-after=' . rawurlencode($after) : '');
        $ch = curl_init($url);
        curl_setopt_array($ch, [
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT => 60,
            CURLOPT_AWS_SIGV4 => 'aws:amz:' . bench_env('S3_TEST_REGION') . ':s3',
            CURLOPT_USERPWD => bench_env('S3_TEST_ACCESS_KEY') . ':' . bench_env('S3_TEST_SECRET_KEY'),
        ]);
        $xml = curl_exec($ch);
        $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        if ($xml === false || $status !== 200) {
            throw new RuntimeException("listing $prefix: HTTP $status " . ($xml === false ? curl_error($ch) : substr($xml, 0, 300)));
        }
        preg_match_all('#<Key>([^<]*)</Key>#', $xml, $m);
        array_push($keys, ...array_map('html_entity_decode', $m[1]));
        $after = strpos($xml, '<IsTruncated>true</IsTruncated>') !== false && $keys ? end($keys) : null;
    } while ($after !== null);
    return $keys;
}
