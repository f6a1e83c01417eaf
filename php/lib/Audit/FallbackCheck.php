<?php
/**
 * osTicket's silent fallback: when the default store fails, a new file is
 * kept in the database with nothing said. Those are the database rows
 * created after the first file this plugin stored, while S3 is the default
 * store. When the default store is the database, its rows are where they
 * belong and none is a finding.
 */

namespace S3Native\Audit;

use S3Native\ObjectKeyResolver;

require_once __DIR__ . '/../ObjectKeyResolver.php';
require_once __DIR__ . '/Finding.php';
require_once __DIR__ . '/StoreRows.php';

final class FallbackCheck
{
    const PAGE = 1000;

    /** @var StoreRows */
    private $rows;

    public function __construct(StoreRows $rows)
    {
        $this->rows = $rows;
    }

    /**
     * @param callable(Finding): void $report
     * @return array{default_storage: string, since: ?string} what the check went by
     */
    public function run(callable $report): array
    {
        $default = $this->rows->defaultStorage();
        $first = $this->rows->firstFile(ObjectKeyResolver::BACKEND_CHAR);
        $basis = ['default_storage' => $default, 'since' => $first['created'] ?? null];
        if ($default !== ObjectKeyResolver::BACKEND_CHAR || $first === null) {
            return $basis;
        }
        $afterId = 0;
        while ($page = $this->rows->databaseFilesCreatedAfter($first['created'], (int) $first['id'], $afterId, self::PAGE)) {
            foreach ($page as $row) {
                $report(new Finding(Finding::SILENT_FALLBACK, (int) $row['id'], (string) $row['name'], sprintf(
                    'Stored in the database on %s (%d bytes), though S3 is the default store and held files '
                    . 'since %s: osTicket keeps a file in the database when storing it in S3 fails (the '
                    . 'system log says why). `s3-attachments migrate --to 3` moves it.',
                    $row['created'], (int) $row['size'], $first['created'])));
            }
            $afterId = (int) end($page)['id'];
        }
        return $basis;
    }
}
