<?php
/**
 * Loads the plugin's namespaced tool classes on first use: S3Native\Cli\X
 * from lib/Cli/X.php, S3Native\Migration\X from lib/Migration/X.php,
 * S3Native\Audit\X from lib/Audit/X.php. The backend's own classes are
 * required explicitly by backend.php and storage.php.
 */

spl_autoload_register(function (string $class): void {
    foreach (['Cli', 'Migration', 'Audit'] as $dir) {
        $prefix = "S3Native\\$dir\\";
        if (strncmp($class, $prefix, strlen($prefix)) === 0) {
            $path = __DIR__ . "/$dir/" . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($path)) {
                require_once $path;
            }
            return;
        }
    }
});
