<?php
/*
 * TEST DOUBLE of osTicket's Http helper, written from the project's contract
 * document; no osTicket code.
 *
 * osTicket's Http::redirect() and Http::response() end the request (exit).
 * Here they throw RequestEnded instead, so a test can see how the request
 * ended and a backend that "redirects" without ending the request is caught.
 */

/** Test-only: stands for PHP's exit at the end of a response. */
final class RequestEnded extends Exception
{
    /** @var int */
    public $status;
    /** @var string|null */
    public $location;

    function __construct(int $status, ?string $location = null, string $body = '')
    {
        parent::__construct("request ended with HTTP $status" . ($location ? " -> $location" : '')
            . ($body !== '' ? ": $body" : ''));
        $this->status = $status;
        $this->location = $location;
    }
}

class Http
{
    /** @var string[] headers "sent" in this request */
    public static $headers = [];

    static function reset(): void
    {
        self::$headers = [];
    }

    static function header(string $line): void
    {
        self::$headers[] = $line;
    }

    static function redirect($url, $delay = 0, $msg = '')
    {
        self::header("Location: $url");
        throw new RequestEnded(302, (string) $url);
    }

    static function response($code, $content = false, $contentType = 'text/html', $charset = 'UTF-8')
    {
        throw new RequestEnded((int) $code, null, (string) $content);
    }

    /** The headers osTicket sends before streaming a file through PHP. */
    static function download($filename, $type, $data = false, $disposition = 'attachment')
    {
        self::header('Content-Type: ' . $type);
        self::header(sprintf("Content-Disposition: %s; filename*=UTF-8''%s", $disposition,
            rawurlencode($filename)));
    }
}

/**
 * The request being served, as osTicket sees it through
 * $_SERVER['REQUEST_METHOD'] and $_POST: a GET unless a page was submitted.
 * PluginInstance::update() and Plugin::addInstance() submit the config page;
 * the page osTicket renders afterwards belongs to that same POST request.
 * osticket_double_reset() starts a new (GET) request.
 */
final class Request
{
    /** @var string */
    public static $method = 'GET';
    /** @var array the submitted values ($_POST) */
    public static $post = [];

    static function reset(): void
    {
        self::$method = 'GET';
        self::$post = [];
    }

    static function submit(array $vars): void
    {
        self::$method = 'POST';
        self::$post = $vars;
    }

    static function isPost(): bool
    {
        return self::$method === 'POST';
    }
}
