<?php
/*
 * The browser test's helpdesk state, made through osTicket's own code in a
 * booted helpdesk:
 *
 *   php prepare.php ticket OUT.json   an e-mail piped to api/pipe.php (as an
 *       MTA does) whose HTML body shows an inline PNG (cid:) and which carries
 *       a 60 s WAV; its files stored in S3. Writes the ticket's id and each
 *       file's row id, object key and file.php key to OUT.json.
 *   php prepare.php mode proxy|redirect ENDPOINT [URL_TTL]   the plugin's
 *       download mode, with the store reached at ENDPOINT (the request
 *       recorder in front of SeaweedFS) and the signed URLs' lifetime
 *       (default 3600 s), saved through the plugin's real config form.
 *
 * Environment: as tests/osticket/suite/run.php (OST_ROOT, OST_HTTP_HOST,
 * OST_PHP, OST_S3_FOLDER, S3_TEST_*).
 */

require dirname(__DIR__) . '/boot.php'; // top level: osTicket needs its globals
require dirname(__DIR__) . '/suite/lib.php';
require dirname(__DIR__) . '/suite/plugin_form.php';

function fail(string $message): void
{
    fwrite(STDERR, "prepare.php: $message\n");
    exit(1);
}

function plugin_instance(): PluginInstance
{
    $row = Plugin::objects()->filter(['install_path' => env('OST_PLUGIN_PATH')])->first();
    $instance = $row ? PluginManager::lookup($row->getId())->getInstances()->first() : null;
    if (!$instance) {
        fail('the plugin has no instance: did setup-helpdesk.php run?');
    }
    return $instance;
}

/** A picture a person can recognise on the screenshot. */
function chart_png(): string
{
    $im = imagecreatetruecolor(360, 120);
    imagefill($im, 0, 0, imagecolorallocate($im, 250, 250, 240));
    $colors = [[200, 60, 60], [60, 160, 60], [60, 90, 200], [220, 160, 40]];
    foreach ($colors as $i => [$r, $g, $b]) {
        imagefilledrectangle($im, 20 + $i * 85, 100 - 20 * ($i + 1), 80 + $i * 85, 110, imagecolorallocate($im, $r, $g, $b));
    }
    imagestring($im, 5, 20, 4, 'inline image from S3 ' . substr(bin2hex(random_bytes(3)), 0, 6), imagecolorallocate($im, 0, 0, 0));
    ob_start();
    imagepng($im);
    return ob_get_clean();
}

/**
 * A 440 Hz tone, 16-bit PCM stereo at 44.1 kHz: about 10 MiB for 60 s, so a
 * browser cannot take it in one read and a seek needs a ranged request.
 */
function tone_wav(int $seconds): string
{
    $rate = 44100;
    $period = '';
    for ($i = 0; $i < 100; $i++) { // 441 Hz: 100 frames per period, seamless when repeated
        $s = (int) (8000 * sin(2 * M_PI * $i / 100));
        $period .= pack('vv', $s & 0xffff, $s & 0xffff);
    }
    $pcm = str_repeat($period, $rate * $seconds / 100);
    $pcm .= random_bytes(4); // unique content: osTicket de-duplicates files
    return 'RIFF' . pack('V', 36 + strlen($pcm)) . 'WAVEfmt ' . pack('VvvVVvv', 16, 1, 2, $rate, $rate * 4, 4, 16)
        . 'data' . pack('V', strlen($pcm)) . $pcm;
}

function pipe_ticket(array $files, string $subject): void
{
    $b1 = 'mixed' . bin2hex(random_bytes(6));
    $b2 = 'related' . bin2hex(random_bytes(6));
    [$png, $wav] = [$files['chart.png'], $files['voicemail.wav']];
    $html = '<html><body><p>Browser test: the chart below is an inline image, the voicemail is attached.</p>'
        . '<p><img src="cid:chart@s3a.test" alt="chart" width="360" height="120"></p></body></html>';
    $message = "From: Browser Tester <browser@example.test>\r\nTo: support@helpdesk.test\r\n"
        . "Subject: $subject\r\nMessage-ID: <" . bin2hex(random_bytes(8)) . "@example.test>\r\n"
        . "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"$b1\"\r\n\r\n"
        . "--$b1\r\nContent-Type: multipart/related; boundary=\"$b2\"\r\n\r\n"
        . "--$b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n$html\r\n"
        . "--$b2\r\nContent-Type: image/png; name=\"chart.png\"\r\nContent-ID: <chart@s3a.test>\r\n"
        . "Content-Disposition: inline; filename=\"chart.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        . chunk_split(base64_encode($png), 76, "\r\n") . "--$b2--\r\n"
        . "--$b1\r\nContent-Type: audio/wav; name=\"voicemail.wav\"\r\n"
        . "Content-Disposition: attachment; filename=\"voicemail.wav\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        . chunk_split(base64_encode($wav), 76, "\r\n") . "--$b1--\r\n";
    $proc = proc_open([env('OST_PHP'), 'api/pipe.php'], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
        $pipes, env('OST_ROOT'));
    fwrite($pipes[0], $message);
    fclose($pipes[0]);
    $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
    if (proc_close($proc) !== 0) {
        fail("api/pipe.php refused the e-mail: $out");
    }
}

$what = $argv[1] ?? '';
if ($what === 'mode') {
    [$mode, $endpoint, $ttl] = [$argv[2] ?? '', $argv[3] ?? '', $argv[4] ?? '3600'];
    $errors = [];
    if (!in_array($mode, ['proxy', 'redirect'], true) || $endpoint === '') {
        fail('usage: prepare.php mode proxy|redirect ENDPOINT [URL_TTL]');
    }
    if (!plugin_form_update(plugin_instance(), plugin_form_values(['download-mode' => $mode, 'endpoint' => $endpoint,
            'url-ttl' => $ttl]), $errors)) {
        fail("the plugin form refused mode $mode at $endpoint: " . json_encode($errors));
    }
    echo "plugin: download mode $mode, store at $endpoint, signed URLs for $ttl s\n";
    exit(0);
}
if ($what !== 'ticket' || !isset($argv[2])) {
    fail('usage: prepare.php ticket OUT.json | prepare.php mode proxy|redirect ENDPOINT [URL_TTL]');
}

use_storage('3');
$files = ['chart.png' => chart_png(), 'voicemail.wav' => tone_wav(60)];
$subject = 'Browser test ' . bin2hex(random_bytes(4));
pipe_ticket($files, $subject);
$ticket = rows('SELECT k.ticket_id, k.number FROM ' . TICKET_TABLE . ' k JOIN ' . TICKET_CDATA_TABLE
    . ' c ON c.ticket_id=k.ticket_id WHERE c.subject=' . db_input($subject))[0] ?? null;
$ticket || fail("no ticket with the subject $subject after piping the e-mail");
$stored = [];
foreach (rows('SELECT f.*, a.inline FROM ' . FILE_TABLE . ' f JOIN ' . ATTACHMENT_TABLE . ' a ON a.file_id=f.id AND a.type=\'H\''
        . ' JOIN ' . THREAD_ENTRY_TABLE . ' e ON e.id=a.object_id JOIN ' . THREAD_TABLE . ' t ON t.id=e.thread_id'
        . ' AND t.object_type=\'T\' WHERE t.object_id=' . db_input($ticket['ticket_id'])) as $row) {
    $key = object_key_for($row);
    if ($row['bk'] !== '3' || object_bytes($key) !== ($files[$row['name']] ?? null)) {
        fail("{$row['name']} is not in S3 at $key with its bytes (bk {$row['bk']})");
    }
    $stored[$row['name']] = ['id' => (int) $row['id'], 'key' => $row['key'], 'object_key' => $key,
        'size' => (int) $row['size'], 'inline' => (bool) $row['inline'], 'type' => $row['type']];
}
ksort($stored);
if (array_keys($stored) !== ['chart.png', 'voicemail.wav'] || !$stored['chart.png']['inline']) {
    fail('the ticket should have chart.png (inline) and voicemail.wav, it has: ' . json_encode($stored));
}
file_put_contents($argv[2], json_encode(['ticket_id' => (int) $ticket['ticket_id'], 'number' => $ticket['number'],
    'files' => $stored], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES));
echo "ticket {$ticket['number']} (id {$ticket['ticket_id']}): " . implode(', ', array_keys($stored)) . " in S3\n";
