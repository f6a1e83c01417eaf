<?php
/*
 * osTicket plugin manifest. Copy this folder to include/plugins/ (any folder
 * name), or the .phar scripts/package-plugin makes of it, then install it in
 * Admin Panel > Manage > Plugins. Needs the s3_attachments PHP extension;
 * see README.md beside this file.
 */
return [
    'id' => 'storage:s3-native',
    'version' => '0.1.0',
    'ost_version' => '1.17', // osTicket 1.17 and later (plugin instances, PasswordField)
    'name' => 'Attachments in S3 (native extension)',
    'author' => 'osTicket S3 attachments project',
    'description' => 'Stores attachments in Amazon S3 or any S3-compatible store through the '
        . 's3_attachments PHP extension. Drop-in replacement for "Attachments hosted in Amazon S3": '
        . 'reads and serves its files where they are.',
    'plugin' => 'storage.php:S3NativeStoragePlugin',
];
