<?php
/**
 * The input box of the secret access key: always empty.
 *
 * osTicket's PasswordWidget empties its box on a GET, but after a POST whose
 * fields validated it puts the submitted value back into the page, and the
 * plugin config page is rendered again in the POST request of Save: the
 * secret would travel back to the browser in the HTML. This widget never
 * puts a value in the page; an empty box keeps the saved secret.
 *
 * Loaded from S3NativeStorageConfig::getOptions(), where osTicket's form
 * classes (PasswordWidget among them) are loaded.
 */

class S3NativeSecretWidget extends PasswordWidget
{
    function parseValue()
    {
        parent::parseValue();
        $this->value = '';
    }
}
