<?php
// Writes the IDE stub of the s3_attachments extension to stdout, from the
// extension loaded into this PHP (Reflection) and the README's tables (the
// one-line descriptions). Run through scripts/generate-stubs, which loads
// the built extension and nothing else.
//
//   php -n -d extension=PATH scripts/generate-stubs.php README.md > stubs/s3_attachments.stub.php
//
// Signatures come only from Reflection, so the stub says what the built
// extension accepts (e.g. `?array $opts = null`), whatever the README says.

declare(strict_types=1);

const EXTENSION = 's3_attachments';

// Array shapes for static analysers: what the binding (src/binding/convert.rs)
// puts into the arrays it returns. Reflection only knows `array`.
const PUT_RESULT = 'array{size: int, etag: string, checksums: array{crc32c?: string, md5?: string}}';
const COMPLETIONS = 'list<array{tag: string, key: string, ok: bool, size: int, etag: ?string, '
    . 'checksums: array{crc32c?: string, md5?: string}, error: ?S3AttachmentException}>';
const RETURN_SHAPES = [
    'S3AttachmentBackend::putFile' => PUT_RESULT,
    'S3AttachmentBackend::putString' => PUT_RESULT,
    'S3AttachmentUpload::finish' => PUT_RESULT,
    'S3AttachmentBackend::head' => 'array{size: int, etag: string, content_type: ?string, cache_control: ?string, '
        . 'last_modified: ?int, storage_class: ?string, checksums: array{crc32c?: string}}|null',
    'S3AttachmentBackend::headMany' => 'array<string, array{size: int, etag: string, content_type: ?string, '
        . 'cache_control: ?string, last_modified: ?int, storage_class: ?string, checksums: array{crc32c?: string}}'
        . '|S3AttachmentException|null>',
    'S3AttachmentBackend::listObjects' => 'array{objects: list<array{key: string, size: int, last_modified: ?int}>, '
        . 'next: ?string}',
    'S3AttachmentBackend::listIncompleteUploads' => 'list<array{key: string, upload_id: string, initiated: ?int}>',
    'S3AttachmentUploadQueue::collect' => COMPLETIONS,
    'S3AttachmentUploadQueue::drain' => COMPLETIONS,
    'S3AttachmentBackend::checkAccess' => 'array{ok: bool, bucket: string, prefix: string, region: string, '
        . 'endpoint: ?string, probe_key: string, checksums: string, checksum_confirmed: bool, elapsed_ms: float, '
        . 'warnings: list<string>}',
];

// Array parameters that are not options arrays.
const PARAM_SHAPES = [
    'S3AttachmentBackend::headMany' => ['keys' => 'array<array-key, string>'],
];

// What the README says in prose rather than in a table row of its own.
const EXTRA_DOCS = [
    'S3AttachmentException' => 'Base of every exception the extension throws; thrown as such for anything else the store refused (code, request id in the message).',
    'S3AttachmentBackend' => 'One bucket (and prefix) of S3 or an S3-compatible store: stores, reads, serves and deletes objects.',
    'S3AttachmentUpload' => 'A streaming upload made by S3AttachmentBackend::createUpload(); dropped without finish() (unset, end of request) it aborts.',
    'S3AttachmentUpload::__construct' => 'Not for PHP code (throws): S3AttachmentBackend::createUpload() makes uploads.',
    'S3AttachmentUpload::write' => 'sends the next bytes (binary-safe; call it any number of times); returns the number of bytes taken',
    'S3AttachmentUpload::finish' => 'completes the upload once all bytes are written',
    'S3AttachmentUpload::abort' => 'abandons the upload; nothing is left in the bucket',
    'S3AttachmentUpload::size' => 'bytes written so far',
    'S3AttachmentUpload::key' => 'the full object key (prefix applied)',
    'S3AttachmentUploadQueue' => 'Uploads in flight in the background, made by S3AttachmentBackend::createUploadQueue(); dropped, it waits for the uploads in flight.',
    'S3AttachmentUploadQueue::__construct' => 'Not for PHP code (throws): S3AttachmentBackend::createUploadQueue() makes queues.',
    'S3AttachmentReader' => 'One streaming GET made by S3AttachmentBackend::openRead().',
    'S3AttachmentReader::__construct' => 'Not for PHP code (throws): S3AttachmentBackend::openRead() makes readers.',
    'S3AttachmentReader::read' => 'returns exactly `$length` bytes except at the end, then `\'\'`',
    'S3AttachmentReader::size' => 'the whole object\'s size in bytes',
];

function fail(string $message): never
{
    fwrite(STDERR, "generate-stubs: $message\n");
    exit(1);
}

/** The first sentence of a README cell: up to a full stop followed by a new sentence. */
function firstSentence(string $text): string
{
    $text = trim($text);
    return preg_match('/^(.*?\.)\s+[A-Z`]/', $text, $m) ? $m[1] : $text;
}

/** name => description, from the README's method and getter tables and the exception tree. */
function readmeDocs(string $readme): array
{
    $docs = [];
    foreach (explode("\n", $readme) as $line) {
        // | `putFile(string $key, ...): array` | streams a file from disk |
        if (preg_match('/^\|\s*(`\w+\(.*?)\s*\|\s*(.+?)\s*\|\s*$/', $line, $row)) {
            preg_match_all('/`(\w+)\(/', $row[1], $names);
            foreach ($names[1] as $name) {
                $docs[$name] ??= firstSentence($row[2]);
            }
        }
        // └── S3AttachmentConfigException        bad option, key, range or argument; nothing was sent
        if (preg_match('/(S3Attachment\w*Exception)\s{2,}(\S.*)$/u', $line, $tree)) {
            $docs[$tree[1]] ??= trim($tree[2]);
        }
    }
    return $docs;
}

function docFor(array $docs, string $class, ?string $method = null): ?string
{
    $key = $method === null ? $class : "$class::$method";
    return EXTRA_DOCS[$key] ?? ($method === null ? ($docs[$class] ?? null) : ($docs[$method] ?? null));
}

function renderType(?ReflectionType $type): string
{
    return $type === null ? '' : (string) $type;
}

function renderDefault(ReflectionParameter $p): string
{
    $value = $p->getDefaultValue();
    return match (true) {
        $value === null => 'null',
        is_bool($value) => $value ? 'true' : 'false',
        $value === [] => '[]',
        default => var_export($value, true),
    };
}

function renderParameter(ReflectionParameter $p): string
{
    $out = '';
    foreach ($p->getAttributes() as $attribute) {
        $out .= '#[\\' . $attribute->getName() . '] ';
    }
    $type = renderType($p->getType());
    $out .= ($type === '' ? '' : "$type ") . ($p->isVariadic() ? '...' : '') . '$' . $p->getName();
    if ($p->isOptional() && !$p->isVariadic() && $p->isDefaultValueAvailable()) {
        $out .= ' = ' . renderDefault($p);
    }
    return $out;
}

/** @param list<string> $lines */
function docBlock(array $lines, string $indent): string
{
    $lines = array_values(array_filter($lines, fn ($l) => $l !== null && $l !== ''));
    if ($lines === []) {
        return '';
    }
    $out = "$indent/**\n";
    foreach ($lines as $line) {
        $out .= "$indent * $line\n";
    }
    return $out . "$indent */\n";
}

function renderMethod(ReflectionMethod $m, array $docs): string
{
    $class = $m->getDeclaringClass()->getName();
    $lines = [docFor($docs, $class, $m->getName())];
    foreach ($m->getParameters() as $p) {
        if (str_contains(renderType($p->getType()), 'array')) {
            $shape = PARAM_SHAPES["$class::{$m->getName()}"][$p->getName()] ?? 'array<string, mixed>';
            $lines[] = '@param ' . ($p->allowsNull() ? "$shape|null" : $shape) . ' $' . $p->getName();
        }
    }
    if (isset(RETURN_SHAPES["$class::{$m->getName()}"])) {
        $lines[] = '@return ' . RETURN_SHAPES["$class::{$m->getName()}"];
    }
    $modifiers = implode(' ', Reflection::getModifierNames($m->getModifiers()));
    $params = implode(', ', array_map('renderParameter', $m->getParameters()));
    $return = $m->hasReturnType() ? ': ' . renderType($m->getReturnType())
        : ($m->hasTentativeReturnType() ? ': ' . renderType($m->getTentativeReturnType()) : '');
    $body = $m->isAbstract() ? ';' : ' {}';
    return docBlock($lines, '    ') . "    $modifiers function {$m->getName()}($params)$return$body\n";
}

function renderClass(ReflectionClass $c, array $docs): string
{
    $head = ($c->isFinal() ? 'final ' : '') . ($c->isAbstract() && !$c->isInterface() ? 'abstract ' : '')
        . ($c->isInterface() ? 'interface ' : 'class ') . $c->getName();
    if ($parent = $c->getParentClass()) {
        $head .= ' extends \\' . $parent->getName();
    }
    $own = fn ($member) => $member->getDeclaringClass()->getName() === $c->getName();
    $interfaces = array_diff($c->getInterfaceNames(), $parent ? $parent->getInterfaceNames() : [], ['Stringable']);
    if ($interfaces !== []) {
        $head .= ' implements \\' . implode(', \\', $interfaces);
    }
    $members = [];
    foreach ($c->getReflectionConstants() as $constant) {
        if ($own($constant)) {
            $members[] = "    public const {$constant->getName()} = " . var_export($constant->getValue(), true) . ";\n";
        }
    }
    foreach ($c->getProperties() as $property) {
        if ($own($property)) {
            $modifiers = implode(' ', Reflection::getModifierNames($property->getModifiers()));
            $type = renderType($property->getType());
            $default = $property->hasDefaultValue() ? ' = ' . strtolower(var_export($property->getDefaultValue(), true)) : '';
            $getter = 'get' . ucfirst($property->getName());
            $doc = $c->hasMethod($getter)
                ? ['@var ' . renderType($c->getMethod($getter)->getReturnType()), '@see ' . $c->getName() . "::$getter()"]
                : [];
            $members[] = docBlock($doc, '    ') . "    $modifiers " . ($type === '' ? '' : "$type ") . "\${$property->getName()}$default;\n";
        }
    }
    $methods = array_filter($c->getMethods(), $own);
    // The constructor first, then the order the extension declares.
    usort($methods, fn ($a, $b) => ($b->getName() === '__construct') <=> ($a->getName() === '__construct'));
    foreach ($methods as $method) {
        $members[] = renderMethod($method, $docs);
    }
    return docBlock([docFor($docs, $c->getName())], '') . $head . "\n{\n" . implode("\n", $members) . "}\n";
}

$readmePath = $argv[1] ?? fail('usage: php -n -d extension=PATH generate-stubs.php README.md');
$readme = @file_get_contents($readmePath);
if ($readme === false) {
    fail("cannot read $readmePath");
}
if (!extension_loaded(EXTENSION)) {
    fail('the ' . EXTENSION . ' extension is not loaded; run through scripts/generate-stubs');
}
$docs = readmeDocs($readme);
$extension = new ReflectionExtension(EXTENSION);

// The classes first, then the exceptions, each in the extension's order.
$classes = $extension->getClassNames();
usort($classes, fn ($a, $b) => [is_subclass_of($a, 'Throwable'), array_search($a, $classes, true)]
    <=> [is_subclass_of($b, 'Throwable'), array_search($b, $classes, true)]);

$out = "<?php\n\n"
    . "// IDE and static-analysis stub of the s3_attachments PHP extension (PhpStorm,\n"
    . "// PHPStan, Psalm): never include it, the extension defines these classes.\n"
    . "// Generated by scripts/generate-stubs from the built extension (signatures)\n"
    . "// and README.md (descriptions); do not edit, run scripts/generate-stubs.\n";
foreach ($extension->getFunctions() as $function) {
    fail("the extension now has a function ({$function->getName()}): teach scripts/generate-stubs.php to render functions");
}
foreach ($extension->getConstants() as $name => $value) {
    $out .= "\nconst $name = " . var_export($value, true) . ";\n";
}
foreach ($classes as $class) {
    $out .= "\n" . renderClass(new ReflectionClass($class), $docs);
}
$missing = [];
foreach ($classes as $class) {
    $c = new ReflectionClass($class);
    if (docFor($docs, $class) === null) {
        $missing[] = $class;
    }
    foreach ($c->getMethods() as $m) {
        if ($m->getDeclaringClass()->getName() === $class && docFor($docs, $class, $m->getName()) === null) {
            $missing[] = "$class::{$m->getName()}";
        }
    }
}
if ($missing !== []) {
    fail('no description in README.md (method tables) or EXTRA_DOCS for: ' . implode(', ', $missing));
}
echo $out;
