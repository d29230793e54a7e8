/**
 * SQL for the **write horizon** of this database: an `insert_xid` below which every row is final.
 * Watermarks over `(insert_xid, id)` (the report rollups, the pattern extractor) only take rows below
 * it, so a transaction that commits late is never skipped.
 *
 * It is the statement snapshot's xmax lowered to the oldest transaction still in progress, leaving out
 * those `pg_stat_activity` shows connected to another database: they cannot write here. Plain
 * `pg_snapshot_xmin` would let any long transaction on the server (a bulk load or a benchmark in
 * another database, a test next door) hold every watermark back. A transaction whose database is not
 * visible (ended meanwhile, or hidden from a role without `pg_read_all_stats`) counts, which only holds
 * the horizon back, never moves it past a row still being written.
 */
/** The statement snapshot's xmax: rows of every transaction from it on are invisible to the statement. */
export const SNAPSHOT_XMAX_SQL = `pg_snapshot_xmax(pg_current_snapshot())::text::bigint`;

export const WRITE_HORIZON_SQL = `least(
    ${SNAPSHOT_XMAX_SQL},
    (SELECT min(x.xip::text::bigint)
     FROM pg_snapshot_xip(pg_current_snapshot()) AS x(xip)
     WHERE NOT EXISTS (
       SELECT 1 FROM pg_stat_activity a
       WHERE a.backend_xid = x.xip::xid AND a.datname IS DISTINCT FROM current_database())))`;
