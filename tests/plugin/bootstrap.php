<?php
/*
 * PHPUnit bootstrap for the plugin tests. Fails the whole run, rather than
 * skipping tests, when the extension is not loaded or the S3 test server's
 * environment is missing.
 */

function plugin_tests_abort(string $message): void
{
    fwrite(STDERR, "\nplugin tests: $message\n\n");
    exit(1);
}

if (!extension_loaded('s3_attachments')) {
    plugin_tests_abort('the s3_attachments extension is not loaded. Run: '
        . 'php -d extension=$PWD/target/debug/libs3_attachments.so /usr/bin/phpunit -c tests/plugin/phpunit.xml');
}

const PLUGIN_TEST_ENV = [
    'S3_TEST_ENDPOINT', 'S3_TEST_REGION', 'S3_TEST_BUCKET', 'S3_TEST_ACCESS_KEY',
    'S3_TEST_SECRET_KEY', 'S3_TEST_READONLY_ACCESS_KEY', 'S3_TEST_READONLY_SECRET_KEY',
    'S3_TEST_LIMITED_ACCESS_KEY', 'S3_TEST_LIMITED_SECRET_KEY',
];
$missing = array_filter(PLUGIN_TEST_ENV, function ($name) {
    return getenv($name) === false || getenv($name) === '';
});
if ($missing) {
    plugin_tests_abort('missing ' . implode(', ', $missing) . '. Run: scripts/s3-server.sh start; '
        . 'eval "$(scripts/s3-server.sh env)"');
}

require_once __DIR__ . '/osticket-double/bootstrap.php';
osticket_double_reset();
require_once dirname(__DIR__, 2) . '/php/storage.php';
require_once __DIR__ . '/support/RecordingHttpExchange.php';
require_once __DIR__ . '/PluginTestCase.php';
require_once dirname(__DIR__) . '/support/FaultProxy.php';
require_once dirname(__DIR__) . '/support/store_listing.php';
require_once dirname(__DIR__) . '/support/plugin_settings.php';
require_once dirname(__DIR__) . '/support/RequestRecorder.php';
