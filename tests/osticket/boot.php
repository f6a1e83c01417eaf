<?php
/*
 * Boots the installed helpdesk inside a CLI script, as osTicket's own CLI
 * does (no session), so the script calls osTicket's code the way a request
 * would: every enabled plugin instance is bootstrapped by osTicket::start().
 * The Host is the one the web server answers on: osTicket signs download
 * links with it.
 *
 * Require it from the script's top level, never from a function: osTicket's
 * files keep state in file-scope variables that must be globals.
 *
 * Environment: OST_ROOT (the installed tree), OST_HTTP_HOST (host:port).
 */

foreach (['OST_ROOT', 'OST_HTTP_HOST'] as $ost_boot_name) {
    if ((string) getenv($ost_boot_name) === '') {
        fwrite(STDERR, "$ost_boot_name is not set: run this through tests/osticket/run.sh\n");
        exit(1);
    }
}
$_SERVER['HTTP_HOST'] = getenv('OST_HTTP_HOST');
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
define('ROOT_PATH', '/'); // served at the web server's root
define('DISABLE_SESSION', true);
chdir(getenv('OST_ROOT'));
require getenv('OST_ROOT') . '/main.inc.php';
