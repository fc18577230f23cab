/**
 * SQL fragments shared by the field repositories (one definition of a worker's state).
 * `u` = app_user, `l` = worker_latest (LEFT JOIN: may be NULL).
 */

/** Minutes without a position after which a worker counts as offline. */
export const OFFLINE_AFTER_MINUTES = 10;

/** States of a case in which the assignee still has work to do (the worker's load). */
export const WORKER_LOAD_STATES = ['dispatched', 'in_progress', 'rework', 'extension_requested', 'returned', 'deferred'];

/** offline (no position for 10 min) / on_task (a case in progress) / on_patrol / idle, of the account `id` whose latest fix is at `at`. */
export const workerStateSql = (id: string, at: string) => `CASE
    WHEN ${at} IS NULL OR ${at} < now() - interval '${OFFLINE_AFTER_MINUTES} minutes' THEN 'offline'
    WHEN EXISTS (SELECT 1 FROM event e WHERE e.assignee_user_id = ${id} AND e.state = 'in_progress') THEN 'on_task'
    WHEN EXISTS (SELECT 1 FROM patrol pa WHERE pa.worker_id = ${id} AND pa.ended_at IS NULL) THEN 'on_patrol'
    ELSE 'idle' END`;

/** The state of `u` (app_user) whose latest position is `l` (worker_latest). */
export const WORKER_STATE_SQL = workerStateSql('u.id', 'l.at');

/** Cases assigned to the worker (`id`, default u.id) that are still open (parameter `$n` = WORKER_LOAD_STATES). */
export const openTasksSql = (statesParam: string, id = 'u.id') => `(SELECT count(*)::int FROM event e WHERE e.assignee_user_id = ${id} AND e.state = ANY(${statesParam}::text[]))`;

/** A timestamp as JavaScript's toISOString writes it (UTC, milliseconds, "Z"), so rows need no mapping after the query. */
export const isoAt = (t: string) => `to_char(date_trunc('milliseconds', ${t}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The current grid containing a point expression (subdivided parts, index-friendly). */
export const gridPathAt = (point: string) => `(SELECT a.path FROM area_part ap JOIN area a ON a.id = ap.area_id
    WHERE ap.geom && ${point} AND ST_Intersects(ap.geom, ${point}) AND a.level = 'grid'
      AND a.valid_from IS NOT NULL AND a.valid_to IS NULL LIMIT 1)`;

/** ltree path of an account's jurisdiction (NULL = the whole territory, '*'). */
export const jurisdictionPathSql = (user: string) => `(SELECT ja.path FROM area ja WHERE ja.code = ${user}.jurisdiction_code
    AND ja.valid_from IS NOT NULL AND ja.valid_to IS NULL LIMIT 1)`;
