import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sqlRow, sqlRows, sqlRun, type SqlDb } from '../../core/database/sql';
import { inScope } from '../auth/scope';
import { contributionsSql, SUM_MEASURES } from './supervision-facts.sql';
import type { IndicatorFormula } from './supervision-formulas';

export type DimKind = 'department' | 'worker' | 'category' | 'source';

/** What to group by: areas of some depths (one level), or a dimension within the viewer's node. */
export type Grouping = { kind: 'area'; depths: number[] } | { kind: DimKind };

export interface GroupQuery {
  grouping: Grouping;
  /** inclusive Shanghai days, YYYY-MM-DD */
  from: string;
  to: string;
  scopePath: string | null;
  attribution: 'then' | 'now';
  /** department staff: only cases dispatched or summoned to this department */
  departmentId: number | null;
}

export type GroupRow = { key: string } & Record<string, number | string>;

/**
 * Which rows of the contributions (sv_daily or computed per case) answer a grouping: $1 depths
 * (areas), $4 scope, $5 kind. Areas: every node of that depth inside the scope. A dimension: its
 * rows at the viewer's own node (the whole territory: the roots, depth 1).
 */
function groupFilter(g: Grouping): string {
  return g.kind === 'area' ? `kind = $5 AND lvl = ANY($1::int[]) AND ${inScope('node', '$4')}` : `kind = $5 AND cardinality($1::int[]) = 0 AND CASE WHEN $4::ltree IS NULL THEN lvl = 1 ELSE node = $4::ltree END`;
}

@Injectable()
export class IndicatorsRepository {
  async formulas(db: SqlDb): Promise<IndicatorFormula[]> {
    return sqlRows<IndicatorFormula>(
      db,
      `SELECT code, version, to_char(effective_from, 'YYYY-MM-DD') AS "effectiveFrom", name, name_en AS "nameEn", unit, formula
         FROM sv_indicator ORDER BY code, version`,
    );
  }

  /** The path depths at which areas of a level sit (one in a regular hierarchy). */
  async depthsOf(db: SqlDb, level: string): Promise<number[]> {
    const rows = await sqlRows<{ d: number }>(db, `SELECT DISTINCT nlevel(path)::int AS d FROM area WHERE level = $1 AND valid_from IS NOT NULL`, [level]);
    return rows.map((r) => r.d);
  }

  /** Fast path: sums of the daily facts (attribution "as then", every viewer but department staff). */
  async fromDaily(db: SqlDb, q: GroupQuery): Promise<GroupRow[]> {
    const key = q.grouping.kind === 'area' ? 'node::text' : 'key';
    return sqlRows<GroupRow>(
      db,
      `SELECT ${key} AS key, ${SUM_MEASURES} FROM sv_daily
        WHERE day BETWEEN $2::date AND $3::date AND ${groupFilter(q.grouping)}
        GROUP BY 1`,
      [q.grouping.kind === 'area' ? q.grouping.depths : [], q.from, q.to, q.scopePath, q.grouping.kind],
    );
  }

  /**
   * Per-case path: the same contributions computed from sv_case rows of the period, with the path
   * as then or as now (today's deepest current area covering the case's point), optionally only
   * one department's cases. Same definitions as the daily facts, so the same figures.
   */
  async fromCases(db: EntityManager, q: GroupQuery): Promise<GroupRow[]> {
    const path =
      q.attribution === 'now'
        ? `(SELECT a.path FROM event e JOIN area_part p ON p.geom && e.geom AND ST_Covers(p.geom, e.geom)
              JOIN area a ON a.id = p.area_id AND a.valid_from IS NOT NULL AND a.valid_to IS NULL
             WHERE e.id = c.event_id ORDER BY nlevel(a.path) DESC, a.code LIMIT 1)`
        : 'c.path_then';
    const key = q.grouping.kind === 'area' ? 'node::text' : 'key';
    // the planner's estimates for the per-case contributions are loose; JIT would cost more than the query
    return db.transaction(async (tx) => {
      await sqlRun(tx, `SET LOCAL jit = off`);
      return sqlRows<GroupRow>(
        tx,
        `WITH r AS (
         SELECT * FROM (SELECT c.*, ${path} AS path FROM sv_case c
                         WHERE c.day BETWEEN $2::date AND $3::date
                           AND ($6::int IS NULL OR c.department_id = $6 OR c.summons @> jsonb_build_array(jsonb_build_object('d', $6::int)))) c
          WHERE path IS NOT NULL AND ${inScope('path', '$4')}),
       x AS (${contributionsSql('r', '1')})
       SELECT ${key} AS key, ${SUM_MEASURES} FROM x WHERE ${groupFilter(q.grouping)} GROUP BY 1`,
        [q.grouping.kind === 'area' ? q.grouping.depths : [], q.from, q.to, q.scopePath, q.grouping.kind, q.departmentId],
      );
    });
  }

  /** An area by code inside the scope: its current row, else its latest published one. */
  async areaByCode(db: SqlDb, code: string, scope: string | null): Promise<{ code: string; name: string; level: string; path: string } | undefined> {
    return sqlRow<{ code: string; name: string; level: string; path: string }>(
      db,
      `SELECT a.code, a.name, a.level, a.path::text AS path FROM area a
        WHERE a.code = $1 AND a.valid_from IS NOT NULL AND ${inScope('a.path', '$2')}
        ORDER BY a.valid_to DESC NULLS FIRST, a.id DESC LIMIT 1`,
      [code, scope],
    );
  }

  /** Areas by path (text keys of the facts): name and code of the current row, else the latest; whether one is current. */
  async areasByPath(db: SqlDb, paths: string[]): Promise<Map<string, { code: string; name: string; current: boolean }>> {
    const rows = paths.length
      ? await sqlRows<{ key: string; code: string; name: string; current: boolean }>(
          db,
          `SELECT DISTINCT ON (k.key) k.key, a.code, a.name, (a.valid_to IS NULL) AS current
             FROM unnest($1::text[]) k(key) JOIN area a ON a.path = k.key::ltree AND a.valid_from IS NOT NULL
            ORDER BY k.key, a.valid_to DESC NULLS FIRST, a.id DESC`,
          [paths],
        )
      : [];
    return new Map(rows.map((r) => [r.key, { code: r.code, name: r.name, current: r.current }]));
  }

  /** When the facts worker last read every source to its end (facts are that fresh). */
  async factsAsOf(db: SqlDb): Promise<Date | null> {
    const r = await sqlRow<{ at: Date | null }>(db, `SELECT at FROM sv_cursor WHERE name = 'deadline'`);
    return r?.at ? new Date(r.at) : null;
  }

  /** Display names: areas by code (the current row, else the latest), departments by id, categories by code. */
  async names(db: SqlDb, kind: string, keys: string[]): Promise<Map<string, { name: string; nameEn: string | null; code: string | null }>> {
    const out = new Map<string, { name: string; nameEn: string | null; code: string | null }>();
    if (!keys.length) return out;
    type NameRow = { key: string; name: string; nameEn: string | null; code: string | null };
    let rows: NameRow[] = [];
    if (kind === 'area') {
      rows = await sqlRows<NameRow>(
        db,
        `SELECT DISTINCT ON (k.key) k.key, a.name, NULL AS "nameEn", a.code
           FROM unnest($1::text[]) k(key) JOIN area a ON a.code = subpath(k.key::ltree, -1)::text
          ORDER BY k.key, a.valid_to DESC NULLS FIRST, a.id DESC`,
        [keys],
      );
    } else if (kind === 'department') {
      rows = await sqlRows<NameRow>(db, `SELECT id::text AS key, name, name_en AS "nameEn", code FROM department WHERE id::text = ANY($1)`, [keys]);
    } else if (kind === 'category') {
      rows = await sqlRows<NameRow>(db, `SELECT code AS key, name, name_en AS "nameEn", code FROM event_category WHERE code = ANY($1)`, [keys]);
    }
    for (const r of rows) out.set(r.key, { name: r.name, nameEn: r.nameEn, code: r.code });
    return out;
  }
}
