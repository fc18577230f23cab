import type { Attribution } from './registry.types';

/**
 * A partial UPDATE … SET list built from the fields a PATCH carried ($1 is the row id).
 * Table and column names come from the repositories' own constant maps, never from input.
 */
export class PartialUpdate {
  private readonly sets: string[] = [];
  readonly params: unknown[];

  constructor(id: number) {
    this.params = [id];
  }

  /** `column = $n` for every key of `columns` whose value in `v` is not undefined. */
  columns(columns: Record<string, string>, v: object): this {
    for (const [key, column] of Object.entries(columns)) {
      const value = (v as Record<string, unknown>)[key];
      if (value !== undefined) this.set(column, '?', value);
    }
    return this;
  }

  /** `column = expression`, each `?` in the expression taking the next value as a parameter. */
  set(column: string, expression: string, ...values: unknown[]): this {
    const sql = expression.replace(/\?/g, () => `$${this.params.push(values.shift())}`);
    this.sets.push(`${column} = ${sql}`);
    return this;
  }

  /** The point and the grid it was attributed to, in the same statement. */
  attribution(a: Attribution | null): this {
    if (!a) return this;
    return this.set('geom', 'ST_SetSRID(ST_MakePoint(?, ?), 4326)', a.lon, a.lat).set('grid_id', '?', a.gridId).set('grid_code', '?', a.gridCode).set('area_path', '?::ltree', a.areaPath);
  }

  sql(table: 'place' | 'city_object'): string {
    return `UPDATE ${table} SET ${[...this.sets, 'updated_at = now()'].join(', ')} WHERE id = $1`;
  }
}
