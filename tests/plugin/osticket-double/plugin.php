<?php
/*
 * TEST DOUBLE of osTicket's plugin system (PluginConfig, Plugin,
 * PluginInstance, PluginManager), written from the project's contract
 * document; no osTicket code.
 *
 * Kept from osTicket's behaviour:
 * - config rows live under "plugin.<pluginId>.instance.<instanceId>";
 * - PluginConfig caches each stored value through its field's to_php()
 *   (so PasswordField values come back decrypted);
 * - saving: form clean data -> pre_save(&$config, &$errors) -> stop if it
 *   returns false or left errors -> to_db() (PasswordField left empty keeps
 *   the stored secret) -> update the rows; any Throwable becomes errors['err'];
 * - the config form on a GET shows the saved configuration (getInfo(),
 *   i.e. the decoded values), on a POST the submitted values; the page
 *   rendered after saving belongs to the POST request;
 * - bootstrap(): each enabled instance of each active plugin side-loads its
 *   config into the plugin and calls the plugin's bootstrap(); afterwards
 *   the plugin's config is cleared.
 */

abstract class PluginConfig extends Config
{
    var $instance;
    var $form;
    var $_config = [];

    function __construct($namespace, $defaults = [])
    {
        parent::__construct($namespace, $defaults);
        $this->_config = [];
        foreach ($this->getOptions() as $name => $field) {
            if ($this->exists($name)) {
                $this->_config[$name] = $field->to_php($this->get($name));
            } elseif ($default = $field->get('default')) {
                $this->_config[$name] = $default;
            }
        }
    }

    function get($key, $default = null)
    {
        if (isset($this->_config[$key])) {
            return $this->_config[$key];
        }
        return parent::get($key, $default);
    }

    function getOptions()
    {
        return [];
    }

    function getFields()
    {
        return $this->getOptions();
    }

    function getFormOptions()
    {
        return [];
    }

    function getInfo()
    {
        return array_merge(parent::getInfo(), $this->_config);
    }

    function setInstance($instance = null)
    {
        $this->instance = $instance;
    }

    function getInstance()
    {
        return $this->instance;
    }

    /**
     * The config form. On a GET its fields hold $vars overlaid by the saved
     * configuration (getInfo()); on a POST, the submitted $vars.
     */
    function getForm($vars = [])
    {
        if (!isset($this->form)) {
            $this->form = new SimpleForm($this->getFields(), null, $this->getFormOptions());
            if (!Request::isPost()) {
                $this->form->data(array_merge($vars ?: [], $this->getInfo()));
            } elseif ($vars) {
                $this->form->data($vars);
            }
        }
        return $this->form;
    }

    function store($form = null, &$errors = [])
    {
        try {
            $form = $form ?: $this->getForm();
            if (($clean = $form->getClean())
                    && $this->pre_save($clean, $errors)
                    && count($errors) === 0
                    && ($data = $form->to_db($clean))) {
                return $this->updateAll($data);
            }
        } catch (Throwable $t) {
            if (!isset($errors['err'])) {
                $errors['err'] = $t->getMessage();
            }
        }
        return false;
    }

    function pre_save(&$config, &$errors)
    {
        return true;
    }
}

class Plugin
{
    var $config_class = null;
    var $config;
    /** @var array the plugin.php manifest */
    var $info = [];
    var $id;
    var $isactive = true;
    var $install_path = '';
    /** @var PluginInstance[] */
    var $instances = [];

    function __construct(int $id, array $info, string $installPath, bool $active = true)
    {
        $this->id = $id;
        $this->info = $info;
        $this->install_path = $installPath;
        $this->isactive = $active;
    }

    function getId()
    {
        return $this->id;
    }

    function getName()
    {
        return $this->info['name'] ?? '';
    }

    function isActive()
    {
        return $this->isactive;
    }

    function getInstallPath()
    {
        return $this->install_path;
    }

    function isMultiInstance()
    {
        return true;
    }

    function getInstances()
    {
        return $this->instances;
    }

    function getActiveInstances()
    {
        return array_values(array_filter($this->instances, function ($i) {
            return $i->isEnabled();
        }));
    }

    function getConfigClass()
    {
        return $this->config_class;
    }

    function getConfig($instance = null, $defaults = [])
    {
        if ((!isset($this->config) || $instance) && ($class = $this->getConfigClass())) {
            $this->config = $instance
                ? $instance->getConfig($defaults)
                : new $class(null, $defaults);
        }
        return $this->config;
    }

    function getConfigForm($vars = null)
    {
        return $this->getConfig(null, $vars ?: [])->getForm($vars ?: []);
    }

    public function getNewInstanceOptions()
    {
        return false;
    }

    public function getNewInstanceDefaults($options)
    {
        return [];
    }

    /**
     * Admin Panel > Plugins > Add instance, submitted with $vars. As in
     * osTicket 1.18.1 (seen by tests/osticket/): once the form's fields are
     * valid the instance is saved, disabled and without settings, before
     * its settings are (pre_save() may still refuse them); it is returned
     * either way, with the refusal in $errors.
     */
    function addInstance($vars, &$errors)
    {
        Request::submit($vars);
        $form = $this->getConfigForm($vars);
        if (empty($vars['name'])) {
            $errors['name'] = 'Name Required';
        }
        if (!$form->isValid() || $errors) {
            return false;
        }
        $instance = new PluginInstance($this, count($this->instances) + 1, (string) $vars['name'], false);
        $this->instances[] = $instance;
        $this->config = null;
        if ($instance->update($vars, $errors)) {
            $instance->enabled = !empty($vars['isactive']);
        }
        return $instance;
    }
}

class PluginInstance
{
    var $plugin;
    var $id;
    var $name;
    var $enabled = true;
    var $_config;
    var $_form;

    function __construct(Plugin $plugin, int $id, string $name = '', bool $enabled = true)
    {
        $this->plugin = $plugin;
        $this->id = $id;
        $this->name = $name;
        $this->enabled = $enabled;
    }

    function getId()
    {
        return $this->id;
    }

    function getPlugin()
    {
        return $this->plugin;
    }

    function getPluginId()
    {
        return $this->plugin->getId();
    }

    function isEnabled()
    {
        return $this->enabled;
    }

    function getNamespace()
    {
        return sprintf('plugin.%d.instance.%d', $this->getPluginId(), $this->getId());
    }

    function getConfig($defaults = [])
    {
        $class = $this->plugin->getConfigClass();
        if (!isset($this->_config) && $class) {
            $this->_config = new $class($this->getNamespace(), $defaults);
            $this->_config->setInstance($this);
        }
        return $this->_config;
    }

    function getForm($vars = null)
    {
        if (!isset($this->_form) || $vars) {
            $this->_form = $this->getConfig()->getForm($vars ?: []);
        }
        return $this->_form;
    }

    /** The instance's config page, submitted with $vars. */
    function update($vars, &$errors)
    {
        Request::submit($vars);
        $form = $this->getForm($vars);
        return $form->isValid()
            && $this->getConfig()->store($form, $errors)
            && !$errors;
    }

    function bootstrap()
    {
        if ($this->isEnabled() && ($plugin = $this->getPlugin()) && $plugin->getConfig($this)) {
            return $plugin->bootstrap();
        }
    }
}

class PluginManager
{
    /** @var Plugin[] install path => plugin, in plugin-table order */
    private static $installed = [];

    static function reset(): void
    {
        self::$installed = [];
    }

    static function install(Plugin $plugin): void
    {
        self::$installed[$plugin->getInstallPath()] = $plugin;
    }

    static function allInstalled()
    {
        return self::$installed;
    }

    static function allActive()
    {
        return array_values(array_filter(self::$installed, function ($p) {
            return $p->isActive();
        }));
    }

    /** Once per request, before anything else uses plugins. */
    function bootstrap()
    {
        foreach (self::$installed as $plugin) {
            if ($plugin->isActive()) {
                foreach ($plugin->getActiveInstances() as $instance) {
                    $instance->bootstrap();
                }
            }
            $plugin->config = null;
        }
    }
}
