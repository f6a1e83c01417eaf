<?php
// The compatibility suite needs the extension, SeaweedFS and moto, all real:
// when any is missing the run fails here, before a single test could skip.

declare(strict_types=1);

function compat_abort(string $message): never
{
    fwrite(STDERR, "tests/compat: $message\n");
    exit(1);
}

if (!extension_loaded('s3_attachments')) {
    compat_abort("s3_attachments is not loaded: run\n"
        . "  php -d extension=PATH/libs3_attachments.so /usr/bin/phpunit -c tests/compat/phpunit.xml\n"
        . "or tests/compat/run.sh, or scripts/test");
}

$root = dirname(__DIR__, 2);
foreach (['S3_TEST_ENDPOINT', 'S3_TEST_BUCKET', 'S3_TEST_ACCESS_KEY', 'S3_TEST_SECRET_KEY'] as $name) {
    if ((string) getenv($name) === '') {
        compat_abort("$name is not set: start SeaweedFS with scripts/s3-server.sh start and\n"
            . "eval \"\$(scripts/s3-server.sh env)\", or run tests/compat/run.sh");
    }
}

/** The body of a plain GET of an endpoint's root, or null when nothing answers. */
function compat_get_root(string $endpoint): ?string
{
    $body = @file_get_contents(rtrim($endpoint, '/') . '/', false,
        stream_context_create(['http' => ['timeout' => 3, 'ignore_errors' => true]]));
    return is_string($body) ? $body : null;
}

// Unsigned, SeaweedFS answers with an S3 error document (AccessDenied).
$seaweed = compat_get_root((string) getenv('S3_TEST_ENDPOINT'));
if ($seaweed === null || !preg_match('~<Error>|ListAllMyBucketsResult~', $seaweed)) {
    compat_abort('SeaweedFS does not answer at ' . getenv('S3_TEST_ENDPOINT')
        . ": start it with scripts/s3-server.sh start (or run tests/compat/run.sh)");
}

// moto's coordinates are fixed by its script; take them from there unless
// the caller exported them (eval "$(scripts/moto-server.sh env)").
if ((string) getenv('MOTO_TEST_ENDPOINT') === '') {
    foreach (explode("\n", (string) shell_exec(escapeshellarg("$root/scripts/moto-server.sh") . ' env')) as $line) {
        if (preg_match('/^export (MOTO_TEST_[A-Z_]+)=(.*)$/', $line, $m)) {
            putenv("$m[1]=$m[2]");
        }
    }
}
// moto checks no signature: a plain request lists its buckets.
$moto = compat_get_root((string) getenv('MOTO_TEST_ENDPOINT'));
if ($moto === null || !str_contains($moto, 'ListAllMyBucketsResult')) {
    compat_abort('moto does not answer at ' . getenv('MOTO_TEST_ENDPOINT')
        . ": start it with scripts/moto-server.sh start (or run tests/compat/run.sh)");
}

// Never let the AWS credential chain reach for EC2 instance metadata here.
putenv('AWS_EC2_METADATA_DISABLED=true');

require dirname(__DIR__) . '/support/FaultProxy.php';
require dirname(__DIR__) . '/support/store_listing.php';
require __DIR__ . '/Target.php';
require __DIR__ . '/CompatTestCase.php';
