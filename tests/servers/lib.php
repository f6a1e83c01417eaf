<?php
// Shared by app.php (inside php-fpm / mod_php), preload.php and drive.php
// (the CLI driver): the deterministic test bodies all sides must agree on,
// and the app's backend options. Declared only once: in the preload run the
// master has already loaded a copy of this file (opcache.preload).
declare(strict_types=1);

if (!function_exists('s3a_body')) {
    /** Object sizes, chosen by n: empty, one byte, small, odd, around 64 KiB,
     *  hundreds of KiB, over 1 MiB, and one multipart upload (6 MiB + 3 with
     *  the app's 5 MiB threshold and part size). */
    function s3a_size_for(int $n): int
    {
        static $sizes = [0, 1, 100, 4096, 65535, 65537, 300001, 1048579, 7, 6291459];
        return $sizes[$n % count($sizes)];
    }

    /** $size bytes that depend on $n: every byte value occurs, no two objects
     *  (and no two 64-byte blocks) are alike. */
    function s3a_body(int $n, int $size): string
    {
        $out = '';
        for ($i = 0; strlen($out) < $size; $i++) {
            $out .= hash('sha512', "s3a-servers/$n/$i", true);
        }
        return substr($out, 0, $size);
    }

    /** The backend options of app.php (and preload.php), from S3_TEST_* as
     *  run.sh passes them; $env(name, default) looks one up. */
    function s3a_options(callable $env): array
    {
        return [
            'bucket' => $env('S3_TEST_BUCKET'),
            'prefix' => 'servers/' . PHP_SAPI . '/' . $env('S3A_SERVERS_RUN', 'manual'),
            'region' => $env('S3_TEST_REGION', 'us-east-1'),
            'endpoint' => $env('S3_TEST_ENDPOINT'),
            'path_style' => true,
            'access_key_id' => $env('S3_TEST_ACCESS_KEY'),
            'secret_access_key' => $env('S3_TEST_SECRET_KEY'),
            // 6 MiB objects go multipart (parts in flight on the parts runtime's threads).
            'multipart_threshold' => 5 * 1024 * 1024,
            'part_size' => 5 * 1024 * 1024,
            'operation_timeout' => 30,
        ];
    }
}
