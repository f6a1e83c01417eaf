<?php
/**
 * The audit itself could not run (the database refused a query, the plugin
 * is not configured): nothing can be said about the store, which is
 * different from "the store has problems".
 */

namespace S3Native\Audit;

final class AuditFailed extends \RuntimeException
{
}
