<?php
/*
 * TEST DOUBLE of osTicket's Crypto (secrets in config encrypted with the
 * helpdesk's SECRET_SALT and a sub-key), written from the project's contract
 * document; no osTicket code. Same shape: encrypt($input, $key, $subkey),
 * decrypt($ciphertext, $key, $subkey) returning false when it cannot.
 */

class Crypto
{
    const MARK = '$double$';

    static function encrypt($input, $key, $skey = 'encryption', $crypt = null)
    {
        $iv = random_bytes(16);
        $cipher = openssl_encrypt((string) $input, 'aes-256-cbc', self::derive($key, $skey),
            OPENSSL_RAW_DATA, $iv);
        return self::MARK . base64_encode($iv . $cipher);
    }

    static function decrypt($ciphertext, $key, $skey = 'encryption')
    {
        if (!is_string($ciphertext) || strpos($ciphertext, self::MARK) !== 0) {
            return false;
        }
        $raw = base64_decode(substr($ciphertext, strlen(self::MARK)), true);
        if ($raw === false || strlen($raw) < 17) {
            return false;
        }
        return openssl_decrypt(substr($raw, 16), 'aes-256-cbc', self::derive($key, $skey),
            OPENSSL_RAW_DATA, substr($raw, 0, 16));
    }

    private static function derive($key, $skey): string
    {
        return hash('sha256', $key . "\0" . $skey, true);
    }
}
