/**
 * Tables whose rows are attributed to a grid by their location. Each has the columns
 * `geom geometry(Point,4326)`, `grid_id bigint`, `grid_code text`, `area_path ltree`.
 * A module registers its table in its own `onModuleInit`; publishing a new area version
 * re-attributes every registered table in the publishing transaction.
 *
 *   registerAttributedTable({ table: 'event', openOnly: "state NOT IN ('closed','evaluated')" });
 */
export interface AttributedTable {
  /** table name (a plain SQL identifier; it is pasted into SQL, so it is checked) */
  table: string;
  /** SQL predicate on the table's rows (written by developers, never by callers): only these are re-attributed */
  openOnly?: string;
}

const registry = new Map<string, AttributedTable>();

export function registerAttributedTable(t: AttributedTable): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(t.table)) throw new Error(`registerAttributedTable: not a plain table name: ${t.table}`);
  registry.set(t.table, { ...t });
}

export function attributedTables(): AttributedTable[] {
  return [...registry.values()];
}
