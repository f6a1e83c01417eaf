<?php
/**
 * Files whose move is under way, kept in osTicket's ost_config (namespace
 * NAMESPACE, key = file id) from before the first byte is copied until the
 * source copy is deleted. A run killed at any instant leaves its entries
 * behind; the next run (command or cron batch) finishes or undoes each one
 * (Recovery) before it starts, so no chunk, object or multipart upload of
 * an interrupted move outlives it.
 *
 * An entry: from, to (backend characters), bucket and object (the object's
 * key in that bucket, where the S3 copy is or was being written), attrs (the
 * row's attrs before the move, for another source backend's unlink()).
 */

namespace S3Native\Migration;

final class Journal
{
    const NAMESPACE = 's3-native.moving';

    /** @param array<int, array<string, mixed>> $entries file id => entry */
    public static function add(array $entries): void
    {
        if (!$entries) {
            return;
        }
        $values = [];
        foreach ($entries as $id => $entry) {
            $values[] = '(' . Db::quote(self::NAMESPACE) . ', ' . Db::quote((string) (int) $id) . ', '
                . Db::quote(json_encode($entry, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE)) . ')';
        }
        Db::exec('INSERT INTO ' . CONFIG_TABLE . ' (`namespace`, `key`, `value`) VALUES ' . implode(', ', $values)
            . ' ON DUPLICATE KEY UPDATE `value` = VALUES(`value`), `updated` = NOW()');
    }

    /** @param list<int> $ids */
    public static function remove(array $ids): void
    {
        if (!$ids) {
            return;
        }
        $keys = implode(', ', array_map(function ($id) {
            return Db::quote((string) (int) $id);
        }, $ids));
        Db::exec('DELETE FROM ' . CONFIG_TABLE . ' WHERE `namespace` = ' . Db::quote(self::NAMESPACE)
            . " AND `key` IN ($keys)");
    }

    /** @return array<int, array<string, mixed>> file id => entry, oldest first */
    public static function all(): array
    {
        $entries = [];
        foreach (Db::rows('SELECT `key`, `value` FROM ' . CONFIG_TABLE . ' WHERE `namespace` = '
                . Db::quote(self::NAMESPACE) . ' ORDER BY id') as $row) {
            $entry = json_decode((string) $row['value'], true);
            $entries[(int) $row['key']] = is_array($entry) ? $entry : [];
        }
        return $entries;
    }

    public static function count(): int
    {
        return (int) Db::row('SELECT COUNT(*) AS n FROM ' . CONFIG_TABLE . ' WHERE `namespace` = '
            . Db::quote(self::NAMESPACE))['n'];
    }
}
