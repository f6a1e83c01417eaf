<?php
/**
 * `--list-objects`: objects under the configured folder that no S3 row
 * reads (a delete whose unlink failed, a migration back to the database
 * that stopped before deleting, an upload whose row never switched).
 * Needs s3:ListBucket; the plugin itself never lists.
 */

namespace S3Native\Audit;

use S3Native\Cli\PluginStore;
use S3Native\ObjectKeyResolver;
use S3Native\ObjectLocation;

require_once __DIR__ . '/../ObjectKeyResolver.php';
require_once __DIR__ . '/../Cli/PluginStore.php';
require_once __DIR__ . '/Finding.php';
require_once __DIR__ . '/StoreRows.php';

final class UnreferencedObjectCheck
{
    const PAGE = 1000;

    /** @var StoreRows */
    private $rows;
    /** @var PluginStore */
    private $store;

    public function __construct(StoreRows $rows, PluginStore $store)
    {
        $this->rows = $rows;
        $this->store = $store;
    }

    /**
     * @param callable(Finding): void $report
     * @param callable(int $listed): void $progress
     * @return array{listed: int, unreferenced: int, complete: bool}
     */
    public function run(callable $report, callable $progress): array
    {
        $bucket = $this->store->settings()->bucket;
        $folder = $this->store->settings()->folder;
        // Keys listed relative to the folder: the only listing S3 may allow
        // (a policy can grant ListBucket on the folder's prefix alone).
        $lister = new \S3AttachmentBackend(['prefix' => $folder] + $this->store->factory()->nativeOptions($bucket));
        $where = 's3://' . $bucket . '/' . ($folder !== '' ? $folder . '/' : '');
        $result = ['listed' => 0, 'unreferenced' => 0, 'complete' => false];
        $after = null;
        do {
            try {
                $page = $lister->listObjects($after, self::PAGE);
            } catch (\Throwable $e) {
                $report(new Finding(Finding::CANNOT_LIST, null, $where, self::listingRefused($e, $where)));
                return $result;
            }
            $objects = [];
            foreach ($page['objects'] as $object) {
                $objects[ObjectKeyResolver::objectKey($folder, (string) $object['key'])] = $object;
            }
            $result['listed'] += count($objects);
            foreach ($this->unreferenced($objects, $bucket) as $key => $owners) {
                $report(self::finding($bucket, $key, $objects[$key], $owners));
                $result['unreferenced']++;
            }
            $progress($result['listed']);
            $after = $page['next'] ?? null;
        } while ($after !== null);
        $result['complete'] = true;
        return $result;
    }

    /**
     * Objects no S3 row reads from, each with the rows of other backends
     * that carry its file key. Looked up twice: an upload in progress
     * writes its object just before osTicket switches the row to S3.
     *
     * @param array<string, array> $objects object key => listing entry
     * @return array<string, array[]> object key => rows with that file key (not in S3)
     */
    private function unreferenced(array $objects, string $bucket): array
    {
        $left = array_keys($objects);
        $others = [];
        foreach ([1, 2] as $look) {
            $rowsByKey = $this->rows->filesByKey(array_map([self::class, 'fileKeyOf'], $left));
            $stillLeft = [];
            foreach ($left as $objectKey) {
                $others[$objectKey] = [];
                foreach ($rowsByKey[self::fileKeyOf($objectKey)] ?? [] as $row) {
                    if ($row['bk'] !== ObjectKeyResolver::BACKEND_CHAR) {
                        $others[$objectKey][] = $row;
                    } elseif ($this->reads($row, $bucket, $objectKey)) {
                        continue 2;
                    }
                }
                $stillLeft[] = $objectKey;
            }
            $left = $stillLeft;
            if (!$left) {
                break;
            }
        }
        return array_intersect_key($others, array_flip($left));
    }

    /** The file key an object key would hold: what follows the last '/'. */
    private static function fileKeyOf(string $objectKey): string
    {
        $slash = strrpos($objectKey, '/');
        return $slash === false ? $objectKey : substr($objectKey, $slash + 1);
    }

    /** Whether the plugin may read this row from this object (any of its candidates counts). */
    private function reads(array $row, string $bucket, string $objectKey): bool
    {
        foreach ($this->store->candidateLocations($row) as $location) {
            if ($location->bucket === $bucket && $location->objectKey() === $objectKey) {
                return true;
            }
        }
        return false;
    }

    private static function finding(string $bucket, string $key, array $object, array $owners): Finding
    {
        $where = (new ObjectLocation($bucket, '', $key))->describe();
        $what = sprintf('%s (%d bytes%s)', $where, (int) ($object['size'] ?? 0),
            isset($object['last_modified']) ? ', written ' . gmdate('Y-m-d H:i:s', (int) $object['last_modified']) . ' UTC' : '');
        if ($owners) {
            $owner = $owners[0];
            return new Finding(Finding::OBJECT_WITHOUT_ROW, (int) $owner['id'], (string) $owner['name'], sprintf(
                '%s: no S3 row reads it; file %d with this key is stored in backend %s, so this is a copy nothing '
                . 'reads (left by an interrupted migration, to or from S3; `s3-attachments migrate` removes what '
                . 'its own interrupted runs left).', $what, (int) $owner['id'], $owner['bk']));
        }
        return new Finding(Finding::OBJECT_WITHOUT_ROW, null, $key, $what
            . ': no ost_file row has its key (a deleted file whose object was not removed, or not an attachment).');
    }

    private static function listingRefused(\Throwable $e, string $where): string
    {
        $message = rtrim($e->getMessage(), '.') . '.';
        if ($e instanceof \S3AttachmentAccessDeniedException) {
            return "The store refused to list $where: $message --list-objects needs s3:ListBucket on the "
                . 'bucket (it may be limited to the folder with the condition s3:prefix); the other checks ran.';
        }
        return "Listing $where failed: $message The other checks ran; run --list-objects again.";
    }
}
