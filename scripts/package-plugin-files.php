<?php
/*
 * What goes into the plugin's .phar, shared by package-plugin.php (builds it)
 * and package-plugin-verify.php (checks it).
 */

/**
 * Used from a folder install only: the admin command (bin/) is run as
 * php include/plugins/DIR/bin/..., which a file inside a .phar cannot be.
 */
const LEFT_OUT_DIRS = ['bin'];

/** What the plugin is made of; anything else in the folder (editor backups, notes) stays out. */
const PACKAGED_NAME = '/(\.php|^README\.md)$/';

function fail(string $message): void
{
    fwrite(STDERR, "package-plugin: $message\n");
    exit(1);
}

/** @return list<string> paths relative to $src, sorted byte-wise */
function plugin_files(string $src): array
{
    $files = [];
    $it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($src,
        FilesystemIterator::SKIP_DOTS | FilesystemIterator::UNIX_PATHS));
    foreach ($it as $info) {
        $rel = substr($info->getPathname(), strlen($src) + 1);
        $top = explode('/', $rel)[0];
        if (!$info->isFile() || in_array($top, LEFT_OUT_DIRS, true) || $rel[0] === '.'
            || strpos($rel, '/.') !== false || !preg_match(PACKAGED_NAME, basename($rel))) {
            continue;
        }
        $files[] = $rel;
    }
    sort($files, SORT_STRING);
    return $files;
}
