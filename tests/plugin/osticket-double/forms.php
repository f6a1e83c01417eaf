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
 * - section breaks carry no data;
 * - rendering (the admin page's form template): title, instructions and
 *   notice, then per field its label, hint, widget and errors. A widget's
 *   value is the submitted one when the request is a POST carrying the
 *   field, else the field's value (on a GET, PluginConfig fills the fields
 *   from the saved configuration). PasswordWidget empties its box on a GET
 *   and after a POST that failed field validation, but keeps the submitted
 *   value on a valid POST (including one that pre_save() then refused); its
 *   placeholder is one bullet per character of the field's value. A field's
 *   'widget' option replaces its widget class.
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
    var $_source = [];

    function __construct($fields = [], $source = null, $options = [])
    {
        $this->options = $options;
        // osTicket: the given source, else the submitted values ($_POST)
        $this->_source = $source ?: Request::$post;
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

    function getSource()
    {
        return $this->_source;
    }

    function getTitle()
    {
        return $this->title;
    }

    function getInstructions()
    {
        return $this->instructions;
    }

    function getNotice()
    {
        return $this->notice;
    }

    /** Echoes the form as the admin page's template does. */
    function render($options = [])
    {
        if ($this->getTitle()) {
            echo '<h1><strong>' . Format::htmlchars($this->getTitle()) . '</strong>:<div><small>'
                . Format::htmlchars($this->getInstructions()) . '</small></div></h1>';
        }
        if ($this->getNotice()) {
            echo '<div><p id="msg_warning">' . Format::htmlchars($this->getNotice()) . '</p></div>';
        }
        foreach ($this->getFields() as $field) {
            echo '<div class="form-field">';
            if (!$field->isBlockLevel()) {
                echo '<div>' . Format::htmlchars((string) $field->get('label')) . ':';
                if ($field->get('required')) {
                    echo ' <span class="error">*</span>';
                }
                if ($field->get('hint')) {
                    echo '<div class="faded hint">' . Format::htmlchars((string) $field->get('hint')) . '</div>';
                }
                echo '</div><div>';
            }
            $field->render($options);
            foreach ($field->errors() as $error) {
                echo '<div class="error">' . Format::htmlchars($error) . '</div>';
            }
            if (!$field->isBlockLevel()) {
                echo '</div>';
            }
            echo "</div>\n";
        }
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
    static $widget = false;

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
    var $_widget;

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

    /** The form's source, else the submitted values on a POST. */
    function getSource()
    {
        if ($this->_form) {
            return $this->_form->getSource();
        }
        return Request::isPost() ? Request::$post : [];
    }

    /** The widget, made once, its value parsed when made. */
    function getWidget()
    {
        if (!isset($this->_widget)) {
            $class = $this->get('widget') ?: static::$widget;
            $this->_widget = new $class($this);
            $this->_widget->parseValue();
        }
        return $this->_widget;
    }

    /** Echoes the field's widget. */
    function render($options = [])
    {
        $this->getWidget()->render($options);
    }

    function isBlockLevel()
    {
        return false;
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
    static $widget = 'TextboxWidget';

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
    static $widget = 'PasswordWidget';

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
    static $widget = 'ChoicesWidget';

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
    static $widget = 'CheckboxWidget';

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
    static $widget = 'SectionBreakWidget';

    function hasData()
    {
        return false;
    }

    function isBlockLevel()
    {
        return true;
    }
}

/** Draws one field; value from the submitted data, else from the field. */
class Widget
{
    var $field;
    var $name;
    var $value;

    function __construct($field)
    {
        $this->field = $field;
        $this->name = (string) $field->get('name');
    }

    function parseValue()
    {
        $source = $this->field->getSource();
        $this->value = is_array($source) && isset($source[$this->name]) ? $source[$this->name] : null;
        if (!isset($this->value) && isset($this->field->value)) {
            $this->value = $this->field->value;
        }
    }

    function render($options = [])
    {
    }
}

class TextboxWidget extends Widget
{
    static $input_type = 'text';

    /** @param array $extraConfig configuration used where the field's own has none */
    function render($options = [], $extraConfig = false)
    {
        $config = $this->field->getConfiguration();
        if (is_array($extraConfig)) {
            foreach ($extraConfig as $k => $v) {
                if (empty($config[$k])) {
                    $config[$k] = $v;
                }
            }
        }
        $attrs = '';
        if (!empty($config['size'])) {
            $attrs .= sprintf(' size="%d"', $config['size']);
        }
        if (!empty($config['length'])) {
            $attrs .= sprintf(' maxlength="%d"', $config['length']);
        }
        printf('<input type="%s" id="_%s"%s placeholder="%s" name="%s" value="%s"/>',
            static::$input_type, Format::htmlchars($this->name), $attrs,
            Format::htmlchars((string) ($config['placeholder'] ?? '')),
            Format::htmlchars($this->name), Format::htmlchars(is_scalar($this->value) ? (string) $this->value : ''));
    }
}

class PasswordWidget extends TextboxWidget
{
    static $input_type = 'password';

    function render($options = [], $extraConfig = false)
    {
        $extra = [];
        if (isset($this->field->value)) {
            $extra['placeholder'] = str_repeat('•', strlen((string) $this->field->value));
        }
        parent::render($options, $extra);
    }

    function parseValue()
    {
        parent::parseValue();
        if (!Request::isPost() || !$this->field->getForm()->isValid()) {
            $this->value = '';
        }
    }
}

class ChoicesWidget extends Widget
{
    function render($options = [])
    {
        $selected = $this->field->to_php($this->value);
        printf('<select name="%s" id="_%s">', Format::htmlchars($this->name), Format::htmlchars($this->name));
        foreach ($this->field->getChoices() as $key => $label) {
            printf('<option value="%s"%s>%s</option>', Format::htmlchars((string) $key),
                (string) $key === (string) $selected ? ' selected="selected"' : '',
                Format::htmlchars((string) $label));
        }
        echo '</select>';
    }
}

class CheckboxWidget extends Widget
{
    function render($options = [])
    {
        $config = $this->field->getConfiguration();
        printf('<input type="checkbox" name="%s" id="_%s" value="1"%s/>', Format::htmlchars($this->name),
            Format::htmlchars($this->name), $this->value ? ' checked="checked"' : '');
        if (!empty($config['desc'])) {
            echo ' <em>' . Format::htmlchars((string) $config['desc']) . '</em>';
        }
    }
}

class SectionBreakWidget extends Widget
{
    function render($options = [])
    {
        echo '<div class="form-header section-break"><h3>' . Format::htmlchars((string) $this->field->get('label'))
            . '</h3><em>' . Format::htmlchars((string) $this->field->get('hint')) . '</em></div>';
    }
}

/** osTicket's HTML escaping helper, as far as forms use it. */
class Format
{
    static function htmlchars($text)
    {
        return htmlspecialchars((string) $text, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    }
}
