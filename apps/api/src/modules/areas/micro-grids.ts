/**
 * Micro-grids (微网格: often one building or compound) are an optional level under grids, drawn
 * and checked like any level (they tile their grid), but they carry no records: people, places,
 * objects, organizations and events stay attributed to the deepest area that is not a micro-grid.
 *
 * The rule lives in one place, the ST_Subdivide pieces: every attribution (locate, the event
 * intake, re-attribution at publish, the registry import's buckets, impact, supervision "as now")
 * reads `area_part`, and a micro-grid gets no pieces there. `GET /api/areas/locate` names the
 * micro-grid beside the grid (`microGrid`) from the micro-grid's own geometry.
 *
 * SQL predicate on `area` (unqualified columns): which rows get pieces in `area_part`.
 */
export const ATTRIBUTABLE = `level <> 'microgrid'`;
