<?php
/**
 * GNU-style options of one command: `--name VALUE`, `--name=VALUE`, flags
 * `--name`, `--` ends the options. Every option is declared in a spec, so a
 * mistyped one is refused rather than ignored:
 *
 *     const OPTIONS = [
 *         'to'      => ['value' => 'BK', 'help' => 'target backend'],
 *         'dry-run' => ['help' => 'change nothing'],
 *     ];
 *     $o = Options::parse($args, self::OPTIONS);   // UsageError on a bad line
 *     $o->flag('dry-run'); $o->string('to'); $o->int('jobs', 16, 1, 256);
 *
 * The typed getters validate and throw UsageError naming the option.
 */

namespace S3Native\Cli;

final class Options
{
    /** @var array<string, array{value?: string, help: string}> */
    private $spec;
    /** @var array<string, string|true> */
    private $values = [];
    /** @var list<string> */
    private $positional = [];

    /**
     * @param list<string> $args
     * @param array<string, array{value?: string, help: string}> $spec option name (without --) =>
     *        'value': the metavar when the option takes a value (absent: a flag), 'help': one line
     */
    public static function parse(array $args, array $spec): self
    {
        $o = new self();
        $o->spec = $spec;
        $args = array_values($args);
        for ($i = 0; $i < count($args); $i++) {
            $arg = (string) $args[$i];
            if ($arg === '--') {
                array_push($o->positional, ...array_slice($args, $i + 1));
                break;
            }
            if (strncmp($arg, '--', 2) !== 0 || $arg === '--') {
                if ($arg !== '' && $arg[0] === '-' && $arg !== '-') {
                    throw new UsageError("unknown option $arg (options are spelled --name; see --help)");
                }
                $o->positional[] = $arg;
                continue;
            }
            $name = substr($arg, 2);
            $value = null;
            if (($eq = strpos($name, '=')) !== false) {
                $value = substr($name, $eq + 1);
                $name = substr($name, 0, $eq);
            }
            if (!isset($spec[$name])) {
                throw new UsageError("unknown option --$name (see --help)");
            }
            if (isset($spec[$name]['value'])) {
                if ($value === null) {
                    if (!array_key_exists($i + 1, $args)) {
                        throw new UsageError("--$name needs a value ({$spec[$name]['value']})");
                    }
                    $value = (string) $args[++$i];
                }
                $o->values[$name] = $value;
            } else {
                if ($value !== null) {
                    throw new UsageError("--$name takes no value");
                }
                $o->values[$name] = true;
            }
        }
        return $o;
    }

    /** The help lines of a spec, aligned: "  --name VALUE   help". */
    public static function describe(array $spec): string
    {
        $left = [];
        foreach ($spec as $name => $o) {
            $left[$name] = '--' . $name . (isset($o['value']) ? ' ' . $o['value'] : '');
        }
        $width = $left ? max(array_map('strlen', $left)) : 0;
        $lines = '';
        foreach ($spec as $name => $o) {
            $lines .= '  ' . str_pad($left[$name], $width + 2) . $o['help'] . "\n";
        }
        return $lines;
    }

    /** @return list<string> arguments that are not options */
    public function positional(): array
    {
        return $this->positional;
    }

    public function has(string $name): bool
    {
        return isset($this->values[$name]);
    }

    public function flag(string $name): bool
    {
        return ($this->values[$name] ?? false) === true;
    }

    public function string(string $name, ?string $default = null): ?string
    {
        $value = $this->values[$name] ?? null;
        return is_string($value) ? $value : $default;
    }

    /** A whole number within [$min, $max]. */
    public function int(string $name, ?int $default, int $min = 0, int $max = PHP_INT_MAX): ?int
    {
        $value = $this->string($name);
        if ($value === null) {
            return $default;
        }
        if (!preg_match('/^\d+$/', $value) || (int) $value < $min || (int) $value > $max
                || strlen(ltrim($value, '0')) > 18) {
            throw new UsageError("--$name must be a whole number from $min to $max, not \"$value\"");
        }
        return (int) $value;
    }

    /** Seconds, fractions allowed, greater than zero. */
    public function seconds(string $name, ?float $default = null): ?float
    {
        $value = $this->string($name);
        if ($value === null) {
            return $default;
        }
        if (!preg_match('/^\d+(\.\d+)?$/', $value) || (float) $value <= 0) {
            throw new UsageError("--$name must be a number of seconds greater than 0, not \"$value\"");
        }
        return (float) $value;
    }

    /** A byte count: 1000, 512k, 20M, 1G (powers of 1024, as osTicket's `file` module takes them). */
    public function bytes(string $name, ?int $default = null): ?int
    {
        $value = $this->string($name);
        if ($value === null) {
            return $default;
        }
        if (!preg_match('/^(\d{1,15})([kKmMgG])?$/', $value, $m)) {
            throw new UsageError("--$name must be a size in bytes such as 1000, 512k, 20M or 1G, not \"$value\"");
        }
        $shift = ['' => 0, 'k' => 10, 'm' => 20, 'g' => 30][strtolower($m[2] ?? '')];
        return (int) $m[1] << $shift;
    }

    /**
     * IDs given as "3,5,8" (the option may also be repeated in the spec's
     * sense of the last one winning: give them all in one list).
     * @return list<int>|null
     */
    public function idList(string $name): ?array
    {
        $value = $this->string($name);
        if ($value === null) {
            return null;
        }
        $ids = [];
        foreach (explode(',', $value) as $part) {
            $part = trim($part);
            if (!preg_match('/^[1-9]\d{0,17}$/', $part)) {
                throw new UsageError("--$name takes ids separated by commas, such as 12,40,41; \"$part\" is not an id");
            }
            $ids[] = (int) $part;
        }
        return array_values(array_unique($ids));
    }
}
