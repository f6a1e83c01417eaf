<?php
/*
 * bench/migration's data, in a booted real osTicket (tests/osticket/boot.php):
 * COUNT files of MigrationContent given to osTicket's own
 * AttachmentFile::create() with the default store set to the database (D),
 * as an e-mail's attachments are: osTicket computes key and signature and
 * writes the 500 KiB chunks to ost_file_chunk itself. Prints one JSON line:
 * count, bytes, the ids in the content's order, seconds.
 *
 *   php migration_fill.php COUNT SEED   (environment: as tests/osticket/suite/run.php)
 */

require dirname(__DIR__, 2) . '/tests/osticket/boot.php'; // top level: osTicket needs its globals
require dirname(__DIR__, 2) . '/tests/osticket/suite/lib.php';
require __DIR__ . '/migration_content.php';

[$count, $seed] = [(int) ($argv[1] ?? 0), (int) ($argv[2] ?? 0)];
if ($count < 1) {
    fwrite(STDERR, "usage: migration_fill.php COUNT SEED\n");
    exit(1);
}
use_storage('D');
$content = new MigrationContent($count, $seed);
$ids = [];
$t0 = microtime(true);
for ($i = 0; $i < $count; $i++) {
    $info = ['name' => $content->name($i), 'type' => 'application/octet-stream', 'data' => $content->bytes($i)];
    $file = AttachmentFile::create($info);
    $row = $file ? file_row((int) $file->getId()) : null;
    if (!$row || $row['bk'] !== 'D' || (int) $row['size'] !== $content->sizes[$i]) {
        fwrite(STDERR, "migration_fill.php: osTicket did not store file $i ({$content->sizes[$i]} bytes) in the database: "
            . json_encode($row) . "\n");
        exit(1);
    }
    $ids[] = (int) $file->getId();
    if (($i + 1) % 250 === 0) {
        fprintf(STDERR, "bench: fill: %d of %d files, %.0f s\n", $i + 1, $count, microtime(true) - $t0);
    }
}
echo json_encode(['count' => $count, 'bytes' => $content->totalBytes(), 'ids' => $ids,
    'seconds' => round(microtime(true) - $t0, 2)]) . "\n";
