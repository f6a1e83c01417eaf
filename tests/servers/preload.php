<?php
// opcache.preload script of run.sh's "php-fpm, runtime started before the
// fork" run. php-fpm runs it in the master process before it forks the
// workers (the master runs as www-data there: as root, opcache would preload
// in a throw-away child instead). It uses the backend with app.php's exact
// options, so the master holds a started I/O runtime, a client and a pooled
// connection when the workers are forked: each worker must notice the pid
// change and build its own instead of hanging on the inherited ones.
declare(strict_types=1);

require __DIR__ . '/lib.php';

$env = static function (string $name, ?string $default = null): string {
    $v = getenv($name);
    if ($v === false || $v === '') {
        if ($default === null) {
            throw new RuntimeException("preload.php: $name is not set");
        }
        return $default;
    }
    return $v;
};
$b = new S3AttachmentBackend(s3a_options($env));
$b->putString('preload-probe', 'written by the php-fpm master ' . getmypid());
$probe = $b->read('preload-probe');
$b->delete('preload-probe');
error_log('preload.php: pid ' . getmypid() . ' used the backend before the fork: ' . $probe);
