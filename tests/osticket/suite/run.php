<?php
/*
 * The suite against the real helpdesk that tests/osticket/run.sh installed:
 * each file in tests/ adds tests with test(); they run in the order below
 * (later files use what earlier ones stored, as a helpdesk's life does) and
 * every check counts. Prints "N passed, M failed"; exits 1 on any failure.
 *
 *   php run.php [TEST_FILE...]   only these files of tests/, in this order
 *
 * Environment (set by run.sh): OST_ROOT, OST_HTTP_HOST, OST_URL, OST_PHP
 * (the CLI PHP with the helpdesk's ini), OST_S3_FOLDER, OST_PHP_ERROR_LOG,
 * OST_PLUGIN_PATH (the plugin's install path, relative to include/), S3_TEST_*.
 */

require dirname(__DIR__) . '/boot.php'; // top level: osTicket needs its globals
require __DIR__ . '/lib.php';
require __DIR__ . '/plugin_form.php';

/** @var array<int, array{0: string, 1: callable}> */
$GLOBALS['suite_tests'] = [];
function test(string $name, callable $body): void
{
    $GLOBALS['suite_tests'][] = [$name, $body];
}

/** What tests hand to later ones (e.g. the files of the API ticket). */
final class Shared
{
    /** @var array<string, mixed> */
    public static $values = [];
}

$files = array_slice($argv, 1) ?: ['config_form', 'create', 'backends', 'download', 'ranges', 'cancel', 'get_data',
    'migrate', 'migrate_command', 'migrate_faults', 'cron_rehoming', 'audit_command', 'delete', 'logs'];
// OSTICKET_ONLY=a,b runs only those files of the main suite (in the order
// above), for working on one; a list given on the command line is kept.
if ((string) getenv('OSTICKET_ONLY') !== '' && count($argv) < 2) {
    $files = array_values(array_intersect($files, explode(',', getenv('OSTICKET_ONLY'))));
}
foreach ($files as $file) {
    require __DIR__ . "/tests/$file.php";
}

$started = microtime(true);
foreach ($GLOBALS['suite_tests'] as [$name, $body]) {
    Suite::$test = $name;
    $failedBefore = count(Suite::$failures);
    $t0 = microtime(true);
    try {
        $body();
    } catch (Throwable $e) {
        Suite::check(false, 'ran to the end', get_class($e) . ': ' . $e->getMessage() . ' at '
            . basename($e->getFile()) . ':' . $e->getLine());
    }
    printf("%s %s (%.1f s)\n", count(Suite::$failures) === $failedBefore ? 'ok  ' : 'FAIL', $name,
        microtime(true) - $t0);
}
// Objects a failed test left behind: the bucket is shared.
if (getenv('OST_KEEP_OBJECTS') !== '1') {
    try {
        foreach (store_keys(env('OST_S3_FOLDER') . '/') as $key) {
            s3()->delete($key);
        }
    } catch (Throwable $e) {
        echo 'suite: could not clean ' . env('OST_S3_FOLDER') . '/ up: ' . $e->getMessage() . "\n";
    }
}
printf("\nsuite: %d tests in %.1f s\n", count($GLOBALS['suite_tests']), microtime(true) - $started);
printf("%d passed, %d failed\n", Suite::$passed, count(Suite::$failures));
exit(Suite::$failures ? 1 : 0);
