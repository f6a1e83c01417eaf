<?php
/*
 * The plugin's config form as the admin panel posts it: osTicket's
 * Plugin::addInstance() and PluginInstance::update() with the request
 * method set to POST (otherwise the form merges the stored values over the
 * posted ones), so field validation and the plugin's pre_save() run as they
 * do in Admin Panel > Manage > Plugins.
 */

require_once dirname(__DIR__, 2) . '/support/plugin_settings.php';

/** Form values that work against the test server; the instance enabled. */
function plugin_form_values(array $overrides = []): array
{
    return array_merge(['name' => 'S3 test instance', 'isactive' => 1, 'notes' => ''],
        test_plugin_settings((string) getenv('OST_S3_FOLDER')), $overrides);
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
