<?php
/*
 * Builds the osTicket plugin as one .phar from the plugin folder (run by
 * scripts/package-plugin, which checks the result with
 * package-plugin-verify.php in a fresh PHP).
 *
 *   php -d phar.readonly=0 package-plugin.php SRC_DIR OUT.phar EPOCH
 *
 * The archive is laid out as osTicket's official plugins ship: the folder's
 * files at the root (osTicket reads plugin.php there), uncompressed (no
 * zlib needed to read it), a SHA-256 signature (osTicket skips a phar whose
 * signature it cannot verify), no alias (PHP refuses to open a second phar
 * with an alias already in use, e.g. a renamed copy beside the first). The
 * same sources and EPOCH give the same bytes: files in sorted order, every
 * entry's timestamp EPOCH, the signature computed over that.
 */

require __DIR__ . '/package-plugin-files.php';

const PHAR_NAME_HINT = "This is the osTicket plugin \"Attachments in S3 (native extension)\" as one file.\n"
    . "It is not run: copy it into include/plugins/ of the helpdesk, then install it in\n"
    . "Admin Panel > Manage > Plugins. Its README.md: phar extract -f FILE.phar DIR\n";

/**
 * Phar has no way to set an entry's timestamp: rewrite each one in the
 * manifest, then the signature over everything before it.
 * Layout (php.net "Phar file format"): stub ending "__HALT_COMPILER(); ?>\r\n",
 * manifest (length, file count, API, flags, alias, metadata, then per file:
 * name, size, timestamp, compressed size, CRC32, flags, metadata), contents,
 * signature (hash, algorithm flag, "GBMB").
 */
function pin_timestamps(string $path, int $epoch): void
{
    $data = file_get_contents($path);
    $halt = "__HALT_COMPILER(); ?>\r\n";
    $at = strpos($data, $halt);
    if ($at === false || substr($data, -4) !== 'GBMB') {
        fail("$path is not laid out as expected (no stub end or no signature)");
    }
    $pos = $at + strlen($halt);
    $u32 = function (int $offset) use (&$data): int {
        return unpack('V', $data, $offset)[1];
    };
    $count = $u32($pos + 4);
    $pos += 4 + 4 + 2 + 4;                 // manifest length, count, API, flags
    $pos += 4 + $u32($pos);                // alias
    $pos += 4 + $u32($pos);                // archive metadata
    for ($i = 0; $i < $count; $i++) {
        $pos += 4 + $u32($pos);            // name
        $data = substr_replace($data, pack('V', $epoch), $pos + 4, 4);
        $pos += 4 * 5;                     // size, timestamp, compressed size, CRC32, flags
        $pos += 4 + $u32($pos);            // entry metadata
    }
    if ($u32(strlen($data) - 8) !== Phar::SHA256) {
        fail("$path is not signed with SHA-256");
    }
    $signed = substr($data, 0, -(32 + 8));
    $data = $signed . hash('sha256', $signed, true) . pack('V', Phar::SHA256) . 'GBMB';
    file_put_contents($path, $data) === strlen($data) || fail("cannot write $path");
}

[, $src, $out, $epoch] = $argv + [null, null, null, null];
if ($src === null || $out === null || !preg_match('/^[0-9]+$/', (string) $epoch)) {
    fail('usage: php -d phar.readonly=0 package-plugin.php SRC_DIR OUT.phar EPOCH');
}
if (!extension_loaded('phar')) {
    fail('this PHP has no Phar extension (Debian: it comes with php8.2-cli, enabled by 20-phar.ini)');
}
if (ini_get('phar.readonly')) {
    fail('run PHP with -d phar.readonly=0: PHP refuses to write a .phar otherwise');
}
$src = rtrim($src, '/');
is_file("$src/plugin.php") || fail("$src/plugin.php is missing: SRC_DIR must be the plugin folder (php/)");
substr($out, -5) === '.phar' || fail("$out: the name must end in .phar (osTicket loads only those as archives)");

$files = plugin_files($src);
$tmp = dirname($out) . '/.' . basename($out, '.phar') . '.' . getmypid() . '.phar';
@unlink($tmp);
$phar = new Phar($tmp);
$phar->startBuffering();
foreach ($files as $rel) {
    $phar->addFromString($rel, file_get_contents("$src/$rel"));
}
$phar->setStub('<?php echo ' . var_export(PHAR_NAME_HINT, true) . '; exit(1); __HALT_COMPILER();');
$phar->setSignatureAlgorithm(Phar::SHA256);
$phar->stopBuffering();
unset($phar);

pin_timestamps($tmp, (int) $epoch);
rename($tmp, $out) || fail("cannot move $tmp to $out");
echo implode("\n", $files), "\n";
