<?php
/**
 * The HTTP request being answered and the response being sent, as the
 * download answer needs them. The PHP implementation reads $_SERVER and
 * calls header()/http_response_code()/exit; tests substitute their own, since
 * the CLI has no response headers to look at.
 */

namespace S3Native;

interface HttpExchange
{
    /** 'GET', 'HEAD', … */
    public function method(): string;

    /** A request header by name (case-insensitive), null when absent. */
    public function requestHeader(string $name): ?string;

    public function status(int $code): void;

    /** Sets a response header, replacing one of the same name. */
    public function header(string $name, string $value): void;

    /** Removes a response header osTicket may have set before us. */
    public function removeHeader(string $name): void;

    /** Whether anything of the body has been sent (the status can no longer change). */
    public function bodyStarted(): bool;

    /** Ends the request, as osTicket's Http::redirect() does. */
    public function end(): void;
}

final class PhpHttpExchange implements HttpExchange
{
    public function method(): string
    {
        return strtoupper((string) ($_SERVER['REQUEST_METHOD'] ?? 'GET'));
    }

    public function requestHeader(string $name): ?string
    {
        $value = $_SERVER['HTTP_' . strtoupper(str_replace('-', '_', $name))] ?? null;
        return is_string($value) ? $value : null;
    }

    public function status(int $code): void
    {
        http_response_code($code);
    }

    public function header(string $name, string $value): void
    {
        header("$name: $value", true);
    }

    public function removeHeader(string $name): void
    {
        header_remove($name);
    }

    public function bodyStarted(): bool
    {
        return headers_sent();
    }

    public function end(): void
    {
        exit;
    }
}
