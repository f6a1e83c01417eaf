<?php
/*
 * A reader process of `s3-attachments migrate` (ReaderProcess starts it;
 * not for running by hand):
 *
 *   php reader-process.php OSTICKET_ROOT
 *
 * Connects to the helpdesk's database as manage.php does (osTicket's own
 * configuration and connection code; no plugin is started, nothing is
 * written but what it is asked to delete), says {"ready": true} on
 * descriptor 3, then answers each request line on stdin, in order: a JSON
 * list of rows of database files with each file's check and bytes
 * (SmallFiles::readFromDatabase); {"delete": [ids]} by deleting those
 * files' chunks (DatabaseChunks::delete). See ReaderProcess.
 */

if (PHP_SAPI !== 'cli') {
    exit(1);
}
// Descriptor 3 carries bytes: nothing else may be written there. Traces
// (in the log the migration quotes) never show arguments: osTicket's
// connect is given the database password.
ini_set('display_errors', 'stderr');
ini_set('zend.exception_ignore_args', '1');
$s3aRoot = $argv[1] ?? '';
if ($s3aRoot === '' || !is_file("$s3aRoot/bootstrap.php")) {
    fwrite(STDERR, "reader-process.php: give the osTicket folder\n");
    exit(2);
}
$s3aAnswers = fopen('php://fd/3', 'wb');
if (!$s3aAnswers) {
    fwrite(STDERR, "reader-process.php: descriptor 3 is not open\n");
    exit(2);
}

/** Writes all of $bytes, or ends this process: the migration is gone. */
function s3a_answer($out, string $bytes): void
{
    for ($done = 0, $n = strlen($bytes); $done < $n; $done += $wrote) {
        $wrote = @fwrite($out, $done === 0 ? $bytes : substr($bytes, $done));
        if (!$wrote) {
            exit(0);
        }
    }
}

chdir($s3aRoot);
require $s3aRoot . '/bootstrap.php';
require_once CLI_DIR . 'cli.inc.php';
Bootstrap::loadConfig();
Bootstrap::defineTables(TABLE_PREFIX);
Bootstrap::loadCode();
Bootstrap::connect();
require __DIR__ . '/../Autoload.php';

S3Native\Migration\Failpoint::hit('reader-start');
s3a_answer($s3aAnswers, json_encode(['ready' => true]) . "\n");
while (($s3aLine = fgets(STDIN)) !== false) {
    $s3aRows = json_decode($s3aLine, true);
    try {
        if (!is_array($s3aRows)) {
            throw new RuntimeException('a request that is neither a JSON list of rows nor a delete');
        }
        if (isset($s3aRows['delete'])) {
            s3a_answer($s3aAnswers, json_encode(['deleted' => S3Native\Migration\DatabaseChunks::delete(
                array_map('intval', (array) $s3aRows['delete']))]) . "\n");
            continue;
        }
        foreach (S3Native\Migration\SmallFiles::readFromDatabase($s3aRows) as $s3aId => $s3aFile) {
            S3Native\Migration\Failpoint::hit('reader-answer');
            if ($s3aFile instanceof S3Native\Migration\FileRejected) {
                s3a_answer($s3aAnswers, json_encode(['id' => $s3aId, 'ok' => false,
                    'reason' => $s3aFile->getMessage()], JSON_INVALID_UTF8_SUBSTITUTE) . "\n");
                continue;
            }
            $s3aDigest = $s3aFile->digest;
            s3a_answer($s3aAnswers, json_encode(['id' => $s3aId, 'ok' => true, 'bytes' => strlen($s3aFile->data),
                'signature' => $s3aDigest->signature(), 'md5' => $s3aDigest->md5(), 'crc32c' => $s3aDigest->crc32c(),
                'repaired' => $s3aFile->repaired]) . "\n");
            s3a_answer($s3aAnswers, $s3aFile->data);
        }
    } catch (Throwable $e) {
        s3a_answer($s3aAnswers, json_encode(['error' => $e->getMessage()], JSON_INVALID_UTF8_SUBSTITUTE) . "\n");
        exit(1);
    }
}
