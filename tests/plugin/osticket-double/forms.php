<?php
/*
 * TEST DOUBLE of the osTicket form classes a plugin config uses (Form,
 * SimpleForm, TextboxField, PasswordField, ChoiceField, BooleanField,
 * SectionBreakField), written from the project's contract document and
 * osTicket's documented field behaviour; no osTicket code.
 *
 * Behaviour kept because the plugin depends on it:
 * - a field's PHP value comes from parse() (form input) or to_php() (stored);
 * - ChoiceField stores {"key":"label"} JSON and reads back the key;
 * - PasswordField stores Crypto::encrypt(value, SECRET_SALT, sub-key), reads
 *   back the plain text, and an empty submission leaves the stored secret
 *   alone (FieldUnchanged);
 * - TextboxField's default validation rejects values starting with = - + @
 *   (osTicket's "formula" check), PasswordField's default validator is the
 *   password policy; 'noop' accepts anything;
 * - section breaks carry no data.
 */

class FieldUnchanged extends Exception
{
}

class Form
{
    var $fields = [];
    var $title = '';
    var $notice = '';
    var $instructions = '';
    var $options = [];
    var $_errors = null;
    var $_clean = null;

    function __construct($fields = [], $source = null, $options = [])
    {
        $this->options = $options;
        foreach (['title', 'notice', 'instructions'] as $option) {
            if (isset($options[$option])) {
                $this->$option = $options[$option];
            }
        }
        $this->setFields($fields);
    }

    function setFields($fields)
    {
        $this->fields = $fields;
        foreach ($fields as $name => $field) {
            $field->setForm($this);
            if (!$field->get('name')) {
                $field->set('name', $name);
            }
        }
    }

    function getFields()
    {
        return $this->fields;
    }

    function getField($name)
    {
        foreach ($this->fields as $field) {
            if (strcasecmp((string) $field->get('name'), $name) === 0) {
                return $field;
            }
        }
        return null;
    }

    function data($source)
    {
        foreach ($this->fields as $name => $field) {
            if (isset($source[$name])) {
                $field->value = $source[$name];
            }
        }
    }

    function getClean($validate = true)
    {
        if ($this->_clean === null) {
            $this->_clean = [];
            foreach ($this->fields as $name => $field) {
                if ($field->hasData()) {
                    $this->_clean[$name] = $field->getClean($validate);
                }
            }
        }
        return $this->_clean;
    }

    function isValid()
    {
        if ($this->_errors === null) {
            $this->_errors = [];
            $this->getClean();
            foreach ($this->fields as $name => $field) {
                if ($field->errors()) {
                    $this->_errors[$name] = $field->errors();
                }
            }
        }
        return !$this->_errors;
    }

    function to_db($clean = null, $validate = true)
    {
        if (!$clean && !$this->isValid()) {
            return false;
        }
        $clean = $clean ?: $this->getClean($validate);
        $data = [];
        foreach ($clean as $name => $value) {
            if (!($field = $this->getField($name))) {
                continue;
            }
            try {
                $data[$name] = $field->to_database($value);
            } catch (FieldUnchanged $e) {
                unset($data[$name]);
            }
        }
        return $data;
    }

    function errors($formOnly = false)
    {
        return $this->_errors;
    }

    function addError($message, $index = false)
    {
        $this->_errors['form'][] = $message;
    }

    /** Test helper: every field error, by field name. */
    function fieldErrors(): array
    {
        $all = [];
        foreach ($this->fields as $name => $field) {
            if ($field->errors()) {
                $all[$name] = $field->errors();
            }
        }
        return $all;
    }
}

class SimpleForm extends Form
{
}

class FormField
{
    var $ht = [
        'label' => false,
        'required' => false,
        'default' => false,
        'configuration' => [],
    ];
    var $value;
    var $_form;
    var $_clean;
    var $_errors = [];

    function __construct($options = [])
    {
        $this->ht = array_merge($this->ht, $options);
    }

    function get($what, $default = null)
    {
        return array_key_exists($what, $this->ht) ? $this->ht[$what] : $default;
    }

    function set($field, $value)
    {
        $this->ht[$field] = $value;
    }

    function setForm($form)
    {
        $this->_form = $form;
    }

    function getForm()
    {
        return $this->_form;
    }

    function getConfiguration()
    {
        return (array) $this->get('configuration', []);
    }

    function hasData()
    {
        return true;
    }

    function getClean($validate = true)
    {
        if (!isset($this->_clean)) {
            $this->_clean = $this->parse($this->value);
            if (($this->_clean === null || $this->_clean === '') && ($default = $this->get('default'))) {
                $this->_clean = $default;
            }
            if ($validate) {
                $this->validateEntry($this->_clean);
            }
        }
        return $this->_clean;
    }

    function validateEntry($value)
    {
        if ($this->get('required') && ($value === null || $value === '' || $value === false)) {
            $this->addError(sprintf('%s is a required field', $this->get('label')));
        }
    }

    function errors()
    {
        return $this->_errors;
    }

    function addError($message, $index = false)
    {
        $this->_errors[] = $message;
    }

    function parse($value)
    {
        return is_string($value) ? trim($value) : $value;
    }

    function to_php($value)
    {
        return $value;
    }

    function to_database($value)
    {
        return $value;
    }
}

class TextboxField extends FormField
{
    function validateEntry($value)
    {
        parent::validateEntry($value);
        if ($value === null || $value === '') {
            return;
        }
        $value = (string) $value;
        switch ($this->get('validator')) {
            case 'noop':
                return;
            case 'number':
                if (!is_numeric($value)) {
                    $this->addError('Enter a number');
                }
                return;
            case 'password':
                if (strlen($value) < 8) {
                    $this->addError('Invalid Password');
                }
                return;
            default:
                if (strpbrk($value[0], '=-+@') !== false) {
                    $this->addError('Content cannot start with the following characters: = - + @');
                }
        }
    }
}

class PasswordField extends TextboxField
{
    function __construct($options = [])
    {
        parent::__construct($options);
        if (!isset($options['validator'])) {
            $this->set('validator', 'password');
        }
    }

    protected function getSubKey()
    {
        $config = $this->getConfiguration();
        return !empty($config['key']) ? $config['key'] : 'pwfield';
    }

    function parse($value)
    {
        return $value; // not trimmed
    }

    function to_database($value)
    {
        if (!$value) {
            throw new FieldUnchanged();
        }
        return Crypto::encrypt($value, SECRET_SALT, $this->getSubKey());
    }

    function to_php($value)
    {
        return Crypto::decrypt($value, SECRET_SALT, $this->getSubKey());
    }
}

class ChoiceField extends FormField
{
    function getChoices()
    {
        return (array) $this->get('choices', []);
    }

    function parse($value)
    {
        return $this->to_php($value ?: null);
    }

    function to_database($value)
    {
        if (!is_array($value)) {
            $choices = $this->getChoices();
            if (isset($choices[$value])) {
                $value = [$value => $choices[$value]];
            }
        }
        return is_array($value) ? json_encode($value) : $value;
    }

    function to_php($value)
    {
        if (is_string($value) && $value !== '' && $value[0] === '{') {
            $decoded = json_decode($value, true);
            if (is_array($decoded)) {
                $value = $decoded;
            }
        }
        if (is_array($value) && count($value) < 2) {
            reset($value);
            $value = key($value);
        }
        return $value;
    }
}

class BooleanField extends FormField
{
    function parse($value)
    {
        return $this->to_php($value);
    }

    function to_php($value)
    {
        return (bool) $value;
    }

    function to_database($value)
    {
        return $value ? '1' : '0';
    }
}

class SectionBreakField extends FormField
{
    function hasData()
    {
        return false;
    }
}
