<?php
/**
 * One subcommand of bin/s3-attachments (`migrate`, `audit`).
 *
 * The dispatcher constructs a command with no arguments, after osTicket is
 * booted (plugins bootstrapped, so backend `3` exists with its saved
 * configuration). `summary()` and `usage()` are read before any boot, for
 * `--help`: they must not touch osTicket.
 *
 * Exit statuses shared by every command (see ExitStatus).
 */

namespace S3Native\Cli;

interface Command
{
    /** One line for the command list of `s3-attachments --help`. */
    public static function summary(): string;

    /** The command's full help: synopsis, options, what it prints, exit statuses. */
    public static function usage(): string;

    /**
     * @param list<string> $args after the command name
     * @return int the process exit status (ExitStatus::*)
     */
    public function run(array $args): int;
}
