<?php
/*
 * The plugin's config form as the admin panel posts it: osTicket's
 * Plugin::addInstance() and PluginInstance::update() with the request
 * method set to POST (otherwise the form merges the stored values over the
 * posted ones), so field validation and the plugin's pre_save() run as they
 * do in Admin Panel > Manage > Plugins.
 */

/** Form values that work against the test server; the instance enabled. */
function plugin_form_values(array $overrides = []): array
{
    return array_merge([
        'name' => 'S3 test instance',
        'isactive' => 1,
        'notes' => '',
        'bucket' => getenv('S3_TEST_BUCKET'),
        'folder' => getenv('OST_S3_FOLDER'),
        'aws-region' => getenv('S3_TEST_REGION'),
        'acl' => '',
        'aws-key-id' => getenv('S3_TEST_ACCESS_KEY'),
        'secret-access-key' => getenv('S3_TEST_SECRET_KEY'),
        'endpoint' => getenv('S3_TEST_ENDPOINT'),
        'path-style' => 1,
        'storage-class' => '',
        'sse' => '',
        'sse-kms-key-id' => '',
        'download-mode' => 'redirect',
        'url-ttl' => '3600',
    ], $overrides);
}

/** Admin Panel > Plugins > (plugin) > Add New Instance, posted. */
function plugin_form_add_instance(Plugin $plugin, array $vars, array &$errors): ?PluginInstance
{
    return plugin_form_posted(function () use ($plugin, $vars, &$errors) {
        $instance = $plugin->addInstance($vars, $errors);
        return $instance ?: null;
    });
}

/** Admin Panel > Plugins > (plugin) > Instances > (instance), posted. */
function plugin_form_update(PluginInstance $instance, array $vars, array &$errors): bool
{
    return plugin_form_posted(function () use ($instance, $vars, &$errors) {
        // A fresh config and form per post, as each admin panel request has
        // (both are cached on the instance and its config).
        $instance->_config = null;
        $instance->_form = null;
        return (bool) $instance->update($vars, $errors);
    });
}

function plugin_form_posted(callable $post)
{
    $method = $_SERVER['REQUEST_METHOD'] ?? null;
    $_SERVER['REQUEST_METHOD'] = 'POST';
    try {
        return $post();
    } finally {
        if ($method === null) {
            unset($_SERVER['REQUEST_METHOD']);
        } else {
            $_SERVER['REQUEST_METHOD'] = $method;
        }
    }
}
