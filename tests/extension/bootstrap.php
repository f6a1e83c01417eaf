<?php
// Fails the whole run, rather than skipping tests, when the extension or the
// local S3 server is missing: a suite that skips everything must not pass.

declare(strict_types=1);

if (!extension_loaded('s3_attachments')) {
    fwrite(STDERR, "s3_attachments is not loaded: run PHPUnit as\n"
        . "  php -d extension=\$PWD/target/debug/libs3_attachments.so /usr/bin/phpunit -c tests/extension\n"
        . "or simply scripts/test\n");
    exit(1);
}

foreach (['S3_TEST_ENDPOINT', 'S3_TEST_BUCKET', 'S3_TEST_ACCESS_KEY', 'S3_TEST_SECRET_KEY',
          'S3_TEST_READONLY_ACCESS_KEY', 'S3_TEST_READONLY_SECRET_KEY'] as $name) {
    if (getenv($name) === false || getenv($name) === '') {
        fwrite(STDERR, "$name is not set: start the test server with scripts/s3-server.sh start\n"
            . "and eval \"\$(scripts/s3-server.sh env)\", or simply run scripts/test\n");
        exit(1);
    }
}

// Never let the AWS credential chain reach for EC2 instance metadata here.
putenv('AWS_EC2_METADATA_DISABLED=true');

require __DIR__ . '/S3TestCase.php';
require dirname(__DIR__) . '/support/FaultProxy.php';
require dirname(__DIR__) . '/support/store_listing.php';
