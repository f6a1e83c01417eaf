<?php
/**
 * One file cannot be moved: its source is damaged, its copy did not verify,
 * or the store refused it. The message is the reason reported for that file
 * (id and name are added by the report); the file stays where it was.
 */

namespace S3Native\Migration;

final class FileRejected extends \RuntimeException
{
}
