<?php
/*
 * TEST DOUBLE of osTicket, written for this project's plugin tests from the
 * project's description of how osTicket 1.17/1.18 drives a storage plugin.
 * It contains no osTicket code. It models only what the plugin touches, and
 * models it faithfully: call order, signatures, and osTicket's quirks (the
 * read loop ending on "0", migrate's read-back with stale attrs, IOException
 * logging itself, Http::redirect ending the request).
 *
 * Loads the whole stand-in: require this file, then the plugin.
 */

define('OSTICKET_DOUBLE', true);
define('SECRET_SALT', 'test-double-secret-salt-0123456789abcdef');
define('CHUNK_SIZE', 500 * 1024);
if (!defined('LOG_WARN')) {
    define('LOG_WARN', LOG_WARNING);
}

require_once __DIR__ . '/i18n.php';
require_once __DIR__ . '/osticket.php';
require_once __DIR__ . '/error.php';
require_once __DIR__ . '/http.php';
require_once __DIR__ . '/crypto.php';
require_once __DIR__ . '/config.php';
require_once __DIR__ . '/forms.php';
require_once __DIR__ . '/plugin.php';
require_once __DIR__ . '/file.php';
require_once __DIR__ . '/cli.php';
require_once __DIR__ . '/messages.php';

/** Puts the stand-in back into the state of a freshly started request. */
function osticket_double_reset(): void
{
    global $ost, $cfg;
    $cfg = new OsticketConfig();
    $ost = new osTicket($cfg);
    Http::reset();
    Request::reset();
    ConfigStore::reset();
    PluginManager::reset();
    FileStorageBackend::reset();
    AttachmentFile::reset();
    AttachmentChunkedData::reset();
    Messages::reset();
}
