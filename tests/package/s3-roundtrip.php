<?php
// Stores, reads back, checks and deletes one object through the installed
// extension (no -d extension=: the package must have enabled it). Run inside
// the package test's Debian root against the local S3 server (S3_TEST_*).
declare(strict_types=1);

function env(string $name): string
{
    $value = getenv($name);
    if ($value === false || $value === '') {
        fwrite(STDERR, "s3-roundtrip: $name is not set (eval \"\$(scripts/s3-server.sh env)\")\n");
        exit(1);
    }
    return $value;
}

if (!extension_loaded('s3_attachments')) {
    fwrite(STDERR, "s3-roundtrip: the s3_attachments extension is not loaded by " . PHP_BINARY . " (php --ini)\n");
    exit(1);
}
$s3 = new S3AttachmentBackend([
    'bucket' => env('S3_TEST_BUCKET'),
    'endpoint' => env('S3_TEST_ENDPOINT'),
    'region' => env('S3_TEST_REGION'),
    'access_key_id' => env('S3_TEST_ACCESS_KEY'),
    'secret_access_key' => env('S3_TEST_SECRET_KEY'),
    'prefix' => 'package-test',
]);
$key = 'deb-' . getmypid() . '-' . bin2hex(random_bytes(4));
$data = random_bytes(70000) . "\0end";
$put = $s3->putString($key, $data, ['content_type' => 'application/octet-stream']);
$back = $s3->read($key);
$range = $s3->read($key, 10, 5);
$s3->delete($key);
$gone = $s3->head($key);
$checks = [
    'size' => $put['size'] === strlen($data),
    'crc32c confirmed' => ($put['checksums']['crc32c'] ?? null) === hash('crc32c', $data),
    'read back' => $back === $data,
    'range' => $range === substr($data, 10, 5),
    'deleted' => $gone === null,
];
foreach ($checks as $what => $passed) {
    if (!$passed) {
        fwrite(STDERR, "s3-roundtrip: $what failed\n");
        exit(1);
    }
}
printf("s3-roundtrip: stored, read back (%d bytes, crc32c %s, range), deleted %s/package-test/%s\n",
    strlen($data), $put['checksums']['crc32c'], env('S3_TEST_BUCKET'), $key);
