<?php
/** A command line the command cannot accept; the message says which option and why. */

namespace S3Native\Cli;

final class UsageError extends \InvalidArgumentException
{
}
