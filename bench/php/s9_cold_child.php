<?php
// Scenario 9's child: what one fresh PHP request does. Builds a backend and
// stores 10 KiB, nothing else (no shared bench code, so nothing extra is
// compiled). Run as: php -d extension=... s9_cold_child.php
$b = new S3AttachmentBackend([
    'bucket' => getenv('S3_TEST_BUCKET'),
    'endpoint' => getenv('S3_TEST_ENDPOINT'),
    'region' => getenv('S3_TEST_REGION'),
    'path_style' => true,
    'access_key_id' => getenv('S3_TEST_ACCESS_KEY'),
    'secret_access_key' => getenv('S3_TEST_SECRET_KEY'),
]);
$r = $b->putString(getenv('BENCH_PREFIX') . 'cold-start', str_repeat("attachment\n", 930) . "0123456789");
exit($r['size'] === 10240 ? 0 : 1);
