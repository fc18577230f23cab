import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Publishing a redraw re-attributes registered tables: it first clears grid_id/grid_code/area_path
 * of rows whose grid was closed, then sets them from the new areas. A row that then falls in no
 * area (a gap the analyst acknowledged) keeps NULLs, so these columns must allow NULL.
 */
export class RegistryReattributable1764004001000 implements MigrationInterface {
  name = 'RegistryReattributable1764004001000';

  async up(q: QueryRunner): Promise<void> {
    for (const t of ['place', 'person', 'city_object', 'organization']) {
      await q.query(`ALTER TABLE ${t} ALTER COLUMN grid_id DROP NOT NULL, ALTER COLUMN grid_code DROP NOT NULL, ALTER COLUMN area_path DROP NOT NULL`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['place', 'person', 'city_object', 'organization']) {
      await q.query(`ALTER TABLE ${t} ALTER COLUMN grid_id SET NOT NULL, ALTER COLUMN grid_code SET NOT NULL, ALTER COLUMN area_path SET NOT NULL`);
    }
  }
}
