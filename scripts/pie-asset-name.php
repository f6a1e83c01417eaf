<?php
// Prints the name PIE looks for when it installs a prebuilt binary of
// extension NAME at release tag TAG into the PHP running this script:
//
//   php -n scripts/pie-asset-name.php s3_attachments v0.1.0
//   php_s3_attachments-v0.1.0_php8.2-x86_64-linux-glibc-nts.zip
//
// PIE's rule (php/pie, src/Platform/PrePackagedBinaryAssetName.php), lower
// case: php_{ext}-{tag}_php{major.minor}-{arch}-{os family}-{libc}{-debug}{-zts|-nts}.zip
// arch from php_uname('m') and PHP_INT_SIZE, libc "musl" when `ldd ls`
// mentions musl, else "glibc". PIE also accepts the name without -nts and a
// .tgz; this prints the explicit one.
declare(strict_types=1);

[$script, $extension, $tag] = $argv + [null, null, null];
if ($extension === null || $tag === null) {
    fwrite(STDERR, "usage: php -n pie-asset-name.php EXTENSION TAG\n");
    exit(2);
}
$machine = php_uname('m');
$arch = match (true) {
    in_array($machine, ['arm64', 'aarch64'], true) => 'arm64',
    PHP_INT_SIZE === 4 => 'x86',
    default => 'x86_64',
};
$ls = trim((string) shell_exec('command -v ls'));
$ldd = trim((string) shell_exec('command -v ldd'));
$libc = $ldd !== '' && $ls !== '' && str_contains((string) shell_exec(escapeshellarg($ldd) . ' ' . escapeshellarg($ls) . ' 2>&1'), 'musl')
    ? 'musl' : 'glibc';
echo strtolower(sprintf(
    'php_%s-%s_php%d.%d-%s-%s-%s%s%s.zip',
    $extension,
    $tag,
    PHP_MAJOR_VERSION,
    PHP_MINOR_VERSION,
    $arch,
    strtolower(PHP_OS_FAMILY),
    $libc,
    PHP_DEBUG ? '-debug' : '',
    PHP_ZTS ? '-zts' : '-nts',
)), "\n";
