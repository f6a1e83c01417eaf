<?php
/**
 * The command cannot run here (plugin not enabled, extension not loaded,
 * another run holds the lock…); the message names the problem and the fix.
 */

namespace S3Native\Cli;

final class CannotStart extends \RuntimeException
{
}
