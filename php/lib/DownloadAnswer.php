<?php
/**
 * What to answer a download request with, decided before the store is
 * asked for anything (RFC 9110): 304 when the browser's copy is current
 * (If-None-Match, If-Modified-Since), 416 for a range past the end, 206 for
 * one satisfiable range (`bytes=a-b`, `a-`, `-n`), else 200 with the whole
 * file (also for several ranges, which RFC 9110 allows, for a malformed
 * Range, and when If-Range says the browser's partial copy is stale).
 * A HEAD gets the same status and headers, and no body.
 */

namespace S3Native;

final class DownloadAnswer
{
    /** @var int */
    public $status;
    /** @var array<string, string> response headers, in order */
    public $headers = [];
    /** @var int first byte of the body to send */
    public $offset = 0;
    /** @var int|null bytes of the body to send; null: no body */
    public $length;

    /**
     * @param array{size: int, type: string, disposition: string|null, etag: string, last_modified: int|null,
     *              max_age: int} $file what the response describes; disposition is the whole
     *              Content-Disposition value (null: none, as osTicket's display() sends), etag the
     *              bare entity tag (no quotes)
     */
    public static function decide(HttpExchange $request, array $file): self
    {
        $answer = new self();
        $size = $file['size'];
        $etag = '"' . $file['etag'] . '"';
        $answer->headers = [
            'Accept-Ranges' => 'bytes',
            'ETag' => $etag,
            'Cache-Control' => 'private, max-age=' . max(0, $file['max_age']),
            'X-Content-Type-Options' => 'nosniff',
        ];
        if ($file['last_modified'] !== null) {
            $answer->headers['Last-Modified'] = gmdate('D, d M Y H:i:s', $file['last_modified']) . ' GMT';
        }
        $sendsBody = $request->method() !== 'HEAD';

        if (self::notModified($request, $etag, $file['last_modified'])) {
            $answer->status = 304;
            return $answer;
        }
        $answer->headers['Content-Type'] = $file['type'];
        if ($file['disposition'] !== null) {
            $answer->headers['Content-Disposition'] = $file['disposition'];
        }

        $range = self::usableRange($request, $etag, $file['last_modified']);
        $span = $range === null ? null : self::span($range, $size);
        if ($span === false) {
            $answer->status = 416;
            $answer->headers['Content-Range'] = "bytes */$size";
            unset($answer->headers['Content-Type'], $answer->headers['Content-Disposition']);
            $answer->headers['Content-Length'] = '0';
            return $answer;
        }
        if ($span === null) {
            $answer->status = 200;
            $answer->headers['Content-Length'] = (string) $size;
            $answer->length = $sendsBody ? $size : null;
            return $answer;
        }
        [$first, $last] = $span;
        $answer->status = 206;
        $answer->headers['Content-Range'] = "bytes $first-$last/$size";
        $answer->headers['Content-Length'] = (string) ($last - $first + 1);
        $answer->offset = $first;
        $answer->length = $sendsBody ? $last - $first + 1 : null;
        return $answer;
    }

    /** If-None-Match first (it overrides If-Modified-Since), weak comparison. */
    private static function notModified(HttpExchange $request, string $etag, ?int $lastModified): bool
    {
        $noneMatch = $request->requestHeader('If-None-Match');
        if ($noneMatch !== null) {
            foreach (explode(',', $noneMatch) as $tag) {
                $tag = trim($tag);
                if ($tag === '*' || preg_replace('/^W\//', '', $tag) === $etag) {
                    return true;
                }
            }
            return false;
        }
        $since = $request->requestHeader('If-Modified-Since');
        $since = $since !== null ? strtotime($since) : false;
        return $lastModified !== null && $since !== false && $lastModified <= $since;
    }

    /**
     * The single range asked for, as [first|null, last|null] (`-n` is
     * [null, n]), or null to send the whole file: no Range, several ranges,
     * a malformed one, or an If-Range that no longer matches.
     *
     * @return array{0: int|null, 1: int|null}|null
     */
    private static function usableRange(HttpExchange $request, string $etag, ?int $lastModified): ?array
    {
        $header = $request->requestHeader('Range');
        if ($header === null || !preg_match('/^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i', $header, $m)
                || ($m[1] === '' && $m[2] === '')) {
            return null;
        }
        $ifRange = $request->requestHeader('If-Range');
        if ($ifRange !== null) {
            $ifRange = trim($ifRange);
            $current = $ifRange[0] === '"' ? $ifRange === $etag
                : ($lastModified !== null && strtotime($ifRange) === $lastModified);
            if (!$current) {
                return null;
            }
        }
        if ($m[1] !== '' && $m[2] !== '' && (int) $m[2] < (int) $m[1]) {
            return null; // malformed: ignored, as RFC 9110 says
        }
        return [$m[1] === '' ? null : (int) $m[1], $m[2] === '' ? null : (int) $m[2]];
    }

    /**
     * @param array{0: int|null, 1: int|null} $range
     * @return array{0: int, 1: int}|false first and last byte, false when nothing of it exists
     */
    private static function span(array $range, int $size)
    {
        [$first, $last] = $range;
        if ($first === null) { // the last $last bytes
            return $last > 0 && $size > 0 ? [max(0, $size - $last), $size - 1] : false;
        }
        if ($first >= $size) {
            return false;
        }
        return [$first, $last === null ? $size - 1 : min($last, $size - 1)];
    }
}
