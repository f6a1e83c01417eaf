<?php
// The Markdown table the benchmark reports print: columns padded to their
// widest cell, so the table reads in a terminal and renders in a README.

function print_table(array $head, array $lines): void
{
    $width = [];
    foreach (array_merge([$head], $lines) as $l) {
        foreach ($l as $i => $cell) {
            $width[$i] = max($width[$i] ?? 0, mb_strlen($cell));
        }
    }
    $print = function (array $l) use ($width) {
        $cells = [];
        foreach ($l as $i => $cell) {
            $cells[] = $cell . str_repeat(' ', $width[$i] - mb_strlen($cell));
        }
        echo '| ', implode(' | ', $cells), " |\n";
    };
    $print($head);
    $print(array_map(fn ($w) => str_repeat('-', $w), $width));
    foreach ($lines as $l) {
        $print($l);
    }
}
