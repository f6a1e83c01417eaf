<?php
/**
 * Every S3 row (bk='3') has its object, with the row's size: the object is
 * looked for where the plugin reads it (ObjectKeyResolver: the bucket and
 * folder of the row's attrs, or, for rows of the official plugin's first
 * versions, the bare KEY and then FOLDER/KEY), with parallel HEADs.
 */

namespace S3Native\Audit;

use S3Native\Cli\PluginStore;
use S3Native\ObjectKeyResolver;
use S3Native\ObjectLocation;

require_once __DIR__ . '/../ObjectKeyResolver.php';
require_once __DIR__ . '/../Cli/PluginStore.php';
require_once __DIR__ . '/Finding.php';
require_once __DIR__ . '/ObjectHeads.php';
require_once __DIR__ . '/StoreRows.php';

final class ObjectCheck
{
    /** Rows read, and HEADs sent, per round: enough to keep every job busy. */
    const PAGE = 1000;

    /** @var StoreRows */
    private $rows;
    /** @var PluginStore */
    private $store;
    /** @var int */
    private $jobs;

    public function __construct(StoreRows $rows, PluginStore $store, int $jobs)
    {
        $this->rows = $rows;
        $this->store = $store;
        $this->jobs = $jobs;
    }

    /**
     * @param callable(Finding): void $report
     * @param callable(int $done, int $total): void $progress
     * @return array{files: int, bytes: int, not_checked: int} the S3 rows checked, and those left
     *         unchecked because the store stopped answering
     */
    public function run(callable $report, callable $progress): array
    {
        $total = $this->rows->countFiles(ObjectKeyResolver::BACKEND_CHAR);
        $checked = ['files' => 0, 'bytes' => 0, 'not_checked' => 0];
        $afterId = 0;
        while ($page = $this->rows->filesAfter(ObjectKeyResolver::BACKEND_CHAR, $afterId, self::PAGE)) {
            $afterId = (int) end($page)['id'];
            $unreachable = $this->checkPage($page, $report);
            $checked['files'] += count($page);
            $checked['bytes'] += array_sum(array_column($page, 'size'));
            $progress($checked['files'], max($total, $checked['files']));
            // A store that answered none of a whole page is down: going on
            // would take hours of retries to say the same of every row.
            if ($unreachable && $total > $checked['files']) {
                $checked['not_checked'] = $total - $checked['files'];
                $report(new Finding(Finding::CANNOT_CHECK, null, '(the remaining S3 rows)', sprintf(
                    'The store answered none of the last %d HEAD requests (%s); the %d S3 rows after file %d '
                    . 'were not checked. Run the audit again once the store answers.',
                    count($page), self::reason($unreachable), $checked['not_checked'], $afterId)));
                break;
            }
        }
        return $checked;
    }

    /** @return \S3AttachmentNetworkException|null the failure, when the store answered no request of the page */
    private function checkPage(array $page, callable $report): ?\S3AttachmentNetworkException
    {
        $candidates = [];
        $keysByBucket = [];
        foreach ($page as $i => $row) {
            try {
                $candidates[$i] = $this->store->candidateLocations($row);
            } catch (\InvalidArgumentException $e) {
                $report(new Finding(Finding::CANNOT_CHECK, (int) $row['id'], (string) $row['name'],
                    'No object key can be made for this row: ' . $e->getMessage() . '.'));
                continue;
            }
            foreach ($candidates[$i] as $location) {
                $keysByBucket[$location->bucket][] = $location->objectKey();
            }
        }
        $answers = [];
        foreach ($keysByBucket as $bucket => $keys) {
            $answers[$bucket] = ObjectHeads::of($this->store->factory()->forBucket($bucket), $keys, $this->jobs);
        }
        foreach ($candidates as $i => $locations) {
            $finding = $this->judge($page[$i], $locations, $answers);
            if ($finding) {
                $report($finding);
            }
        }
        $all = $answers ? array_merge(...array_values($answers)) : [];
        $unreached = array_filter($all, function ($a) { return $a instanceof \S3AttachmentNetworkException; });
        return $all && count($unreached) === count($all) ? reset($unreached) : null;
    }

    /**
     * The first candidate that exists is the object (as the plugin's reads
     * do); a candidate the store would not answer for makes "missing"
     * unknowable.
     *
     * @param ObjectLocation[] $locations
     */
    private function judge(array $row, array $locations, array $answers): ?Finding
    {
        $id = (int) $row['id'];
        $name = (string) $row['name'];
        $failures = [];
        foreach ($locations as $location) {
            $answer = $answers[$location->bucket][$location->objectKey()] ?? null;
            if (is_array($answer)) {
                $size = (int) ($answer['size'] ?? -1);
                return $size === (int) $row['size'] ? null : new Finding(Finding::SIZE_MISMATCH, $id, $name,
                    sprintf('%s is %d bytes; ost_file.size says %d.', $location->describe(), $size, (int) $row['size']));
            }
            if ($answer instanceof \Throwable) {
                $failures[] = $location->describe() . ': ' . self::reason($answer);
            }
        }
        if ($failures) {
            return new Finding(Finding::CANNOT_CHECK, $id, $name, implode(' ', $failures));
        }
        return new Finding(Finding::MISSING_OBJECT, $id, $name, 'No object at ' . implode(' nor at ',
            array_map(function (ObjectLocation $l) { return $l->describe(); }, $locations))
            . ' (the store answered 404).');
    }

    /** Why the store did not answer, with what an admin can do about it. */
    private static function reason(\Throwable $e): string
    {
        $message = rtrim($e->getMessage(), '.') . '.';
        if ($e instanceof \S3AttachmentAccessDeniedException) {
            return $message . ' Without s3:ListBucket on the bucket S3 answers 403 also for an object that '
                . 'does not exist: grant it to the audit\'s credentials to tell the two apart.';
        }
        if ($e instanceof \S3AttachmentNetworkException) {
            return $message . ' Check that the store is reachable and run the audit again.';
        }
        return $message;
    }
}
