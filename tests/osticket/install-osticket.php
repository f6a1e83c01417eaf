<?php
/*
 * Installs an unpacked osTicket headlessly: the call the web installer
 * (setup/install.php) makes when its form is posted, Installer::install(),
 * made from the CLI with the values below. Needs a database that the user
 * may create tables in, and include/ost-config.php writable.
 *
 *   php install-osticket.php OST_ROOT
 *
 * Environment: OST_DB_HOST (host:port), OST_DB_NAME, OST_DB_USER,
 * OST_DB_PASS, OST_HTTP_HOST (host:port the helpdesk is served on; osTicket
 * records its URL), OST_ADMIN_USER, OST_ADMIN_PASS.
 */

if (PHP_SAPI !== 'cli') {
    exit("install-osticket.php runs from the command line only\n");
}

function install_fail(string $message): void
{
    fwrite(STDERR, "install-osticket.php: $message\n");
    exit(1);
}

function install_env(string $name): string
{
    $value = getenv($name);
    if ($value === false || $value === '') {
        install_fail("$name is not set (see the comment at the top of this file)");
    }
    return $value;
}

$root = rtrim($argv[1] ?? '', '/');
if ($root === '' || !is_file("$root/setup/setup.inc.php")) {
    install_fail('give the unpacked osTicket tree (with its setup/ folder) as the only argument');
}
$configFile = "$root/include/ost-config.php";
if (!is_file($configFile) && !copy("$root/include/ost-sampleconfig.php", $configFile)) {
    install_fail("cannot create $configFile from include/ost-sampleconfig.php");
}
chmod($configFile, 0666); // the installer refuses a config file it cannot rewrite

// What the web installer's request would carry: setup.inc.php derives the
// helpdesk URL from these.
$_SERVER['HTTP_HOST'] = install_env('OST_HTTP_HOST');
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = '/setup/install.php';
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
$_SERVER['HTTP_ACCEPT_LANGUAGE'] = 'en-US';

chdir("$root/setup"); // the installer includes files relative to setup/
require "$root/setup/setup.inc.php";
require_once INC_DIR . 'class.installer.php';

$adminPass = install_env('OST_ADMIN_PASS');
$installer = new Installer($configFile);
$ok = $installer->install([
    's' => 'install',
    'name' => 'S3 attachments test helpdesk',
    'email' => 'support@helpdesk.test',
    'lang_id' => 'en_US',
    'fname' => 'Test',
    'lname' => 'Admin',
    'admin_email' => 'admin@helpdesk.test',
    'username' => install_env('OST_ADMIN_USER'),
    'passwd' => $adminPass,
    'passwd2' => $adminPass,
    'prefix' => 'ost_',
    'dbhost' => install_env('OST_DB_HOST'),
    'dbname' => install_env('OST_DB_NAME'),
    'dbuser' => install_env('OST_DB_USER'),
    'dbpass' => install_env('OST_DB_PASS'),
    'timezone' => 'UTC',
]);
if (!$ok) {
    install_fail("osTicket's installer refused: " . json_encode($installer->getErrors(), JSON_UNESCAPED_SLASHES));
}
// The staff panel warns while the config file is writable.
chmod($configFile, 0644);
echo "osTicket installed\n";
