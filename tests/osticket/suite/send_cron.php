<?php
/*
 * The staff panel's auto-cron, without a browser: boots the helpdesk as a
 * request does (boot.php) and sends osTicket's `cron` signal with
 * autocron = true, as scp/autocron.php does after its 1x1 GIF.
 * Environment: OST_ROOT, OST_HTTP_HOST.
 */

require dirname(__DIR__) . '/boot.php';
$data = ['autocron' => true];
Signal::send('cron', null, $data);
