<?php
/*
 * Checks a built plugin .phar against the folder it was built from, in a PHP
 * that has not opened it before (Phar caches what it read per process):
 *
 *   php package-plugin-verify.php OUT.phar SRC_DIR
 *
 * - it opens the way osTicket's PluginManager::allInfos() opens it (a
 *   warning while opening counts as a failure) and its SHA-256 signature
 *   verifies;
 * - it holds exactly the folder's files (bin/ and stray files left out),
 *   byte for byte;
 * - every `require_once __DIR__ . '…'` of a packaged file finds its target
 *   inside the archive, and the manifest's plugin file is there;
 * - phar://…/plugin.php returns the folder's manifest (same id, version).
 * Prints the version on success.
 */

require __DIR__ . '/package-plugin-files.php';

[, $phar_path, $src] = $argv + [null, null, null];
if ($phar_path === null || $src === null) {
    fail('usage: php package-plugin-verify.php OUT.phar SRC_DIR');
}
$src = rtrim($src, '/');
is_file($phar_path) || fail("$phar_path is missing; build it: scripts/package-plugin");
Phar::isValidPharFilename($phar_path) || fail("$phar_path: not a name Phar accepts for an archive");

set_error_handler(function (int $no, string $message) use ($phar_path): bool {
    fail("opening $phar_path: $message");
});
try {
    $phar = new Phar($phar_path);
    $signature = $phar->getSignature();
} catch (UnexpectedValueException $e) {
    fail("$phar_path is not a readable phar (osTicket would not list it): " . $e->getMessage());
}
restore_error_handler();
($signature['hash_type'] ?? '') === 'SHA-256'
    || fail("$phar_path: signature " . json_encode($signature) . ', expected SHA-256');

$root = 'phar://' . realpath($phar_path) . '/';
$inside = [];
foreach (new RecursiveIteratorIterator($phar) as $entry) {
    $inside[] = substr($entry->getPathname(), strlen($root));
}
sort($inside, SORT_STRING);
$expected = plugin_files($src);
if ($inside !== $expected) {
    fail(sprintf("$phar_path holds other files than $src: missing [%s], extra [%s]; rebuild it: scripts/package-plugin",
        implode(', ', array_diff($expected, $inside)), implode(', ', array_diff($inside, $expected))));
}
foreach ($inside as $rel) {
    file_get_contents($root . $rel) === file_get_contents("$src/$rel")
        || fail("$phar_path: $rel differs from $src/$rel; rebuild it: scripts/package-plugin");
    if (substr($rel, -4) !== '.php') {
        continue;
    }
    preg_match_all("/require(?:_once)?\\s*\\(?\\s*__DIR__\\s*\\.\\s*'([^']+)'/",
        file_get_contents($root . $rel), $requires);
    foreach ($requires[1] as $target) {
        is_file($root . ltrim(dirname("/$rel") . $target, '/'))
            || fail("$phar_path: $rel requires __DIR__ . '$target', which is not in the archive");
    }
}

$manifest = include $root . 'plugin.php';
$folder_manifest = include "$src/plugin.php";
if (!is_array($manifest) || $manifest !== $folder_manifest) {
    fail("$phar_path: plugin.php does not return the folder's manifest");
}
$plugin_file = explode(':', $manifest['plugin'])[0];
is_file($root . $plugin_file) || fail("$phar_path: the manifest's plugin file $plugin_file is not in the archive");
echo $manifest['version'], "\n";
