<?php
// What osTicket does with an attachment, through S3AttachmentBackend.
// Run by scripts/demo, which builds the extension and starts the server.

declare(strict_types=1);

$backend = new S3AttachmentBackend([
    'bucket' => getenv('S3_TEST_BUCKET'),
    'endpoint' => getenv('S3_TEST_ENDPOINT'),
    'region' => 'us-east-1',
    'access_key_id' => getenv('S3_TEST_ACCESS_KEY'),
    'secret_access_key' => getenv('S3_TEST_SECRET_KEY'),
    'prefix' => 'demo',
]);
$step = fn (string $what) => print("\n== $what\n");

$step('check access (write, read and delete a probe object)');
$report = $backend->checkAccess();
printf("ok: bucket %s at %s, checksum confirmed: %s, %.1f ms\n",
    $report['bucket'], $report['endpoint'], $report['checksum_confirmed'] ? 'yes' : 'no', $report['elapsed_ms']);

$step('store an attachment');
$key = 'Xq3' . bin2hex(random_bytes(14)) . 'dm';   // osTicket keys are 32 URL-safe characters
$attachment = "%PDF-1.4\n" . str_repeat("Invoice line for ticket #1042\n", 2000) . "%%EOF\n";
$stored = $backend->putString($key, $attachment, ['content_type' => 'application/pdf']);
printf("stored %s: %d bytes, etag %s, CRC32C confirmed by the store: %s (local hash('crc32c'): %s)\n",
    $backend->objectKey($key), $stored['size'], $stored['etag'], $stored['checksums']['crc32c'] ?? 'none',
    hash('crc32c', $attachment));

$step('read a range (bytes 0-8)');
$head = $backend->read($key, 0, 9);
printf("%s\n", json_encode($head));

$step('signed download URL, valid 5 minutes, with a filename a browser will keep');
$url = $backend->presignGet($key, ['ttl' => 300, 'disposition' => 'attachment', 'filename' => 'Facture n°1042 "final".pdf']);
echo $url, "\n";
$ch = curl_init($url);
$headers = [];
curl_setopt_array($ch, [
    CURLOPT_RETURNTRANSFER => true,
    CURLOPT_HEADERFUNCTION => function ($ch, $line) use (&$headers) {
        if (stripos($line, 'content-disposition:') === 0 || stripos($line, 'content-type:') === 0) {
            $headers[] = trim($line);
        }
        return strlen($line);
    },
]);
$body = curl_exec($ch);
printf("fetched with curl: HTTP %d, %d bytes, identical: %s\n", curl_getinfo($ch, CURLINFO_RESPONSE_CODE),
    strlen((string) $body), $body === $attachment ? 'yes' : 'NO');
foreach ($headers as $h) {
    echo "  $h\n";
}

$step('delete (twice: deleting is idempotent)');
var_dump($backend->delete($key), $backend->delete($key), $backend->head($key));

$step('a missing object is a typed exception with the request id');
try {
    $backend->read($key);
} catch (S3AttachmentNotFoundException $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
if ($body !== $attachment) {
    exit(1);
}
echo "\ndemo: done\n";
