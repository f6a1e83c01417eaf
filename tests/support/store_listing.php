<?php
// What the test bucket holds, asked as its admin identity with a plain
// signed GET (curl's own SigV4), independent of the extension: the tests,
// the real osTicket suite and bench/migration check what a run left behind
// with it.

declare(strict_types=1);

/**
 * A signed GET on the test bucket: the XML of a listing. curl 7.88 signs
 * the query as written and the store wants it canonical, so $query's
 * parameters come sorted, each with '='.
 */
function store_listing_xml(string $query): string
{
    $env = [];
    foreach (['S3_TEST_ENDPOINT', 'S3_TEST_BUCKET', 'S3_TEST_REGION', 'S3_TEST_ACCESS_KEY', 'S3_TEST_SECRET_KEY'] as $name) {
        $env[$name] = (string) getenv($name);
        if ($env[$name] === '') {
            throw new RuntimeException("$name is not set: eval \"\$(scripts/s3-server.sh env)\" first");
        }
    }
    $ch = curl_init(rtrim($env['S3_TEST_ENDPOINT'], '/') . '/' . $env['S3_TEST_BUCKET'] . '?' . $query);
    curl_setopt_array($ch, [
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_TIMEOUT => 60,
        CURLOPT_AWS_SIGV4 => 'aws:amz:' . $env['S3_TEST_REGION'] . ':s3',
        CURLOPT_USERPWD => $env['S3_TEST_ACCESS_KEY'] . ':' . $env['S3_TEST_SECRET_KEY'],
    ]);
    $xml = curl_exec($ch);
    $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    if ($xml === false || $status !== 200) {
        throw new RuntimeException("listing the test bucket (?$query): HTTP $status "
            . ($xml === false ? curl_error($ch) : substr($xml, 0, 300)));
    }
    return $xml;
}

/**
 * Every object key under $prefix, page after page. Pages go on with
 * start-after (the last key): curl 7.88 signs a continuation-token's
 * characters in a way the store refuses.
 *
 * @return string[]
 */
function store_keys(string $prefix): array
{
    $keys = [];
    $after = null;
    do {
        $xml = store_listing_xml('list-type=2&max-keys=1000&prefix=' . rawurlencode($prefix)
            . ($after !== null ? '&start-after=' . rawurlencode($after) : ''));
        preg_match_all('#<Key>([^<]*)</Key>#', $xml, $m);
        array_push($keys, ...array_map('html_entity_decode', $m[1]));
        $after = strpos($xml, '<IsTruncated>true</IsTruncated>') !== false && $keys ? end($keys) : null;
    } while ($after !== null);
    return $keys;
}

/** @return string[] the keys of the multipart uploads open under $prefix */
function store_open_uploads(string $prefix): array
{
    $xml = store_listing_xml('prefix=' . rawurlencode($prefix) . '&uploads=');
    preg_match_all('#<Upload>.*?<Key>([^<]*)</Key>.*?</Upload>#s', $xml, $m);
    return array_map('html_entity_decode', $m[1]);
}

/** How many multipart uploads are open under $prefix (an object key: its own). */
function open_multipart_uploads(string $prefix): int
{
    return count(store_open_uploads($prefix));
}
