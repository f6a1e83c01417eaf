<?php
/**
 * What the config page shows instead of a secret box when the plugin's own
 * box (lib/SecretWidget.php) cannot be loaded: the reason and the fix, and
 * no input. Failing closed: osTicket's stock password box would put the
 * posted secret back into the page rendered after Save.
 *
 * Loaded from S3NativeStorageConfig::getOptions() when osTicket's Widget
 * class exists.
 */

class S3NativeSecretUnavailableWidget extends Widget
{
    function parseValue()
    {
        $this->value = '';
    }

    function render($options = [])
    {
        echo '<span class="error">'
            . htmlspecialchars(S3NativeStorageConfig::secretWidgetMissingMessage(), ENT_QUOTES, 'UTF-8')
            . '</span>';
    }
}
