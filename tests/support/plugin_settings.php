<?php
// The plugin's settings for the local test server, as its config form takes
// them: the plugin's PHPUnit suite (osTicket double) and the real osTicket
// suite start from the same values.

declare(strict_types=1);

/** Settings that work against the test server, files under $folder. */
function test_plugin_settings(string $folder, array $overrides = []): array
{
    return array_merge([
        'bucket' => getenv('S3_TEST_BUCKET'),
        'folder' => $folder,
        'aws-region' => getenv('S3_TEST_REGION'),
        'acl' => '',
        'aws-key-id' => getenv('S3_TEST_ACCESS_KEY'),
        'secret-access-key' => getenv('S3_TEST_SECRET_KEY'),
        'endpoint' => getenv('S3_TEST_ENDPOINT'),
        'path-style' => 1,
        'storage-class' => '',
        'sse' => '',
        'sse-kms-key-id' => '',
        'download-mode' => 'redirect',
        'url-ttl' => '3600',
    ], $overrides);
}

/**
 * The least-privilege identity's keys (object read, write and delete under
 * its folders, no List: scripts/s3-server.sh), as form values.
 */
function limited_plugin_credentials(): array
{
    return ['aws-key-id' => getenv('S3_TEST_LIMITED_ACCESS_KEY'),
            'secret-access-key' => getenv('S3_TEST_LIMITED_SECRET_KEY')];
}
