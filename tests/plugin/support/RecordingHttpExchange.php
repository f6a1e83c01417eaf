<?php
/*
 * The request a download test sends and the response the plugin answers
 * with: the CLI has no HTTP headers, so the plugin's HttpExchange is
 * replaced by this one. end() stands for PHP's exit, as the osTicket
 * double's Http::redirect() does: it throws RequestEnded.
 */

require_once dirname(__DIR__, 3) . '/php/lib/HttpExchange.php';

final class RecordingHttpExchange implements S3Native\HttpExchange
{
    /** @var string */
    public $method = 'GET';
    /** @var array<string, string> request headers by lower-case name */
    public $request = [];
    /** @var int|null */
    public $status;
    /** @var array<string, string> response headers by lower-case name */
    public $headers = [];
    /** @var string[] lower-case names of headers removed */
    public $removed = [];
    /** @var int output buffering level at which the test captures the body */
    public $captureLevel = 0;

    public function method(): string
    {
        return $this->method;
    }

    public function requestHeader(string $name): ?string
    {
        return $this->request[strtolower($name)] ?? null;
    }

    public function status(int $code): void
    {
        $this->status = $code;
    }

    public function header(string $name, string $value): void
    {
        $this->headers[strtolower($name)] = $value;
    }

    public function removeHeader(string $name): void
    {
        unset($this->headers[strtolower($name)]);
        $this->removed[] = strtolower($name);
    }

    public function bodyStarted(): bool
    {
        return $this->captureLevel > 0 && ob_get_level() >= $this->captureLevel && ob_get_length() > 0;
    }

    public function end(): void
    {
        throw new RequestEnded($this->status ?? 200);
    }
}
