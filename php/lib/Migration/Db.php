<?php
/**
 * osTicket's database connection, for the migration: queries that either
 * work or throw (osTicket's db_query() returns false and goes on), so a
 * failed switch or delete can never pass for a done one.
 */

namespace S3Native\Migration;

final class Db
{
    /** @return list<array<string, ?string>> */
    public static function rows(string $sql): array
    {
        $res = self::query($sql);
        $rows = [];
        while ($row = db_fetch_array($res)) {
            $rows[] = $row;
        }
        if (is_object($res)) {
            $res->free();
        }
        return $rows;
    }

    /** @return array<string, ?string>|null */
    public static function row(string $sql): ?array
    {
        return self::rows($sql)[0] ?? null;
    }

    /** Runs a statement; returns the rows it changed. */
    public static function exec(string $sql): int
    {
        self::query($sql);
        return (int) db_affected_rows();
    }

    /** A quoted SQL literal. */
    public static function quote($value): string
    {
        return $value === null ? 'NULL' : (is_int($value) ? (string) $value : db_input((string) $value));
    }

    /** "1,2,3" for an IN (...) of ids. */
    public static function idList(array $ids): string
    {
        return implode(',', array_map('intval', $ids));
    }

    /** @return \mysqli_result|bool */
    private static function query(string $sql)
    {
        $res = db_query($sql, false);
        if ($res === false) {
            throw new \RuntimeException('the database refused a query of the migration: ' . db_error()
                . ' (' . substr(preg_replace('/\s+/', ' ', $sql), 0, 160) . ')');
        }
        return $res;
    }
}
