<?php
/*
 * Settings keeps the secret outside the object (so dumps never show it):
 * copies made with `clone` must still carry it, and each copy must keep it
 * after the others are gone.
 */

class SettingsTest extends PluginTestCase
{
    public function test_a_clone_keeps_the_secret(): void
    {
        $secret = 'CloneSecret/' . bin2hex(random_bytes(8));
        $original = S3Native\Settings::fromArray(['bucket' => 'b', 'aws-key-id' => 'AKID',
            'secret-access-key' => $secret]);

        $copy = clone $original;

        $this->assertTrue($copy->secretAccessKey() === $secret, 'the clone lost the secret');
        $this->assertFalse(strpos(print_r($copy, true) . var_export($copy, true), $secret) !== false,
            'a dump of the clone shows the secret');
    }

    public function test_the_secret_outlives_whichever_copy_goes_first(): void
    {
        $secret = 'Outlives/' . bin2hex(random_bytes(8));
        $original = S3Native\Settings::fromArray(['secret-access-key' => $secret]);
        $copy = clone $original;
        $second = clone $copy;

        unset($original);
        $this->assertTrue($copy->secretAccessKey() === $secret);
        unset($copy);
        $this->assertTrue($second->secretAccessKey() === $secret);
    }

    public function test_a_changed_copy_does_not_change_the_original(): void
    {
        $original = S3Native\Settings::fromArray(['bucket' => 'one', 'secret-access-key' => 's']);
        $copy = clone $original;
        $copy->bucket = 'two';

        $this->assertSame('one', $original->bucket);
        $this->assertSame('s', $original->secretAccessKey());
    }
}
