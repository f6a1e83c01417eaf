<?php
/**
 * The audit's report for a person: a table of findings (kind, file id,
 * name, detail), then the counts, then one verdict line.
 */

namespace S3Native\Audit;

require_once __DIR__ . '/AuditReport.php';

final class ReportText
{
    /** Names longer than this are cut in the table (the detail is never cut). */
    const NAME_WIDTH = 32;

    public static function render(AuditReport $report): string
    {
        $text = '';
        $findings = $report->findings();
        if ($findings) {
            $rows = [['KIND', 'FILE', 'NAME', 'DETAIL']];
            foreach ($findings as $f) {
                $rows[] = [$f->kind, $f->fileId === null ? '-' : (string) $f->fileId, self::cut($f->name), $f->detail];
            }
            $widths = [];
            foreach ([0, 1, 2] as $col) {
                $widths[$col] = max(array_map(function ($r) use ($col) { return mb_strlen($r[$col]); }, $rows));
            }
            foreach ($rows as $r) {
                $text .= self::pad($r[0], $widths[0]) . '  ' . str_pad($r[1], $widths[1], ' ', STR_PAD_LEFT)
                    . '  ' . self::pad($r[2], $widths[2]) . '  ' . $r[3] . "\n";
            }
            $text .= "\n";
        }
        $text .= "Counts:\n";
        foreach ($report->counts() as $name => $value) {
            $text .= sprintf("  %-22s %d\n", $name, $value);
        }
        $text .= "\n" . ($report->ok() ? "audit: OK, nothing wrong found.\n"
            : sprintf("audit: %d finding%s: see above.\n", count($findings), count($findings) === 1 ? '' : 's'));
        return $text;
    }

    private static function cut(string $name): string
    {
        $name = preg_replace('/[\x00-\x1f\x7f]/', '?', $name);
        return mb_strlen($name) > self::NAME_WIDTH ? mb_substr($name, 0, self::NAME_WIDTH - 1) . '…' : $name;
    }

    private static function pad(string $s, int $width): string
    {
        return $s . str_repeat(' ', max(0, $width - mb_strlen($s)));
    }
}
