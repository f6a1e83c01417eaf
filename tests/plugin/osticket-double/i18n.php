<?php
/*
 * TEST DOUBLE of osTicket's translation helpers, written from the project's
 * contract document; no osTicket code. Messages pass through untranslated.
 */

if (!function_exists('__')) {
    function __($text)
    {
        return $text;
    }
}

if (!function_exists('_S')) {
    function _S($text)
    {
        return $text;
    }
}
