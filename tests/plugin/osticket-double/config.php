<?php
/*
 * TEST DOUBLE of osTicket's Config (rows of ost_config grouped by namespace),
 * written from the project's contract document; no osTicket code.
 * ConfigStore stands in for the ost_config table.
 */

final class ConfigStore
{
    /** @var array<string, array<string, mixed>> namespace => key => stored value */
    public static $rows = [];

    static function reset(): void
    {
        self::$rows = [];
    }
}

class Config
{
    var $config = [];
    var $section = null;
    var $defaults = [];

    function __construct($section = null, $defaults = [])
    {
        if ($defaults) {
            $this->defaults = $defaults;
        }
        if ($section) {
            $this->section = $section;
        }
        if ($this->section !== null) {
            $this->load();
        }
    }

    function load()
    {
        $this->config = ConfigStore::$rows[$this->section] ?? [];
    }

    function getNamespace()
    {
        return $this->section;
    }

    function getInfo()
    {
        return array_merge($this->defaults, $this->config);
    }

    function get($key, $default = null)
    {
        if (array_key_exists($key, $this->config)) {
            return $this->config[$key];
        }
        if (isset($this->defaults[$key])) {
            return $this->defaults[$key];
        }
        return $default;
    }

    function exists($key)
    {
        return array_key_exists($key, $this->config) || array_key_exists($key, $this->defaults);
    }

    function set($key, $value)
    {
        return $this->update($key, $value) ? $value : null;
    }

    function update($key, $value)
    {
        if (!$key || $this->section === null) {
            return false;
        }
        $this->config[$key] = $value;
        ConfigStore::$rows[$this->section][$key] = $value;
        return true;
    }

    function updateAll($updates)
    {
        foreach ($updates as $key => $value) {
            if (!$this->update($key, $value)) {
                return false;
            }
        }
        return true;
    }

    function destroy()
    {
        unset(ConfigStore::$rows[$this->section]);
        $this->config = [];
        return true;
    }
}
