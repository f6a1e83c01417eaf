<?php
/*
 * Prepares an installed helpdesk for the suite, through osTicket's own code:
 * settings an offline helpdesk needs and an API key for 127.0.0.1. The
 * plugin comes next, in a process of its own (plugin-admin.php install).
 *
 *   php setup-helpdesk.php   (environment: see boot.php)
 */

require __DIR__ . '/boot.php';

function setup_fail(string $message): void
{
    fwrite(STDERR, "setup-helpdesk.php: $message\n");
    exit(1);
}

global $cfg;
// Offline: no MX lookups for e-mail addresses; download links without a
// login (the suite fetches them like a mail recipient would); attachments
// up to 32 MiB; replies e-mail their attachments (read with getData());
// new files in the database until the suite chooses.
$cfg->updateAll([
    'email_attachments' => 1,
    'verify_email_addrs' => 0,
    'files_req_auth' => 0,
    'max_file_size' => 32 * 1024 * 1024,
    'default_storage_bk' => 'D',
]) || setup_fail('cannot update the helpdesk settings');

$errors = [];
$apiKeyId = API::add(['ipaddr' => '127.0.0.1', 'isactive' => 1, 'can_create_tickets' => 1,
    'can_exec_cron' => 1, 'notes' => 'tests/osticket'], $errors);
$apiKeyId || setup_fail('cannot add an API key: ' . json_encode($errors));

echo "helpdesk settings and API key ready\n";
