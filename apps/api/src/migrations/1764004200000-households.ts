import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Households (户): a household number, the place the household lives at, its head and whether it
 * is a registered (户籍) or a floating (流动) household. Its members are the people carrying its
 * number (person.household_no, which imports and the demo already fill), so registering a household
 * links the people who already give that number. Its grid and jurisdiction are its place's, read
 * through the place, so a household needs no re-attribution of its own when grids are redrawn.
 */
export class Households1764004200000 implements MigrationInterface {
  name = 'Households1764004200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE household (
      id bigserial PRIMARY KEY,
      household_no text NOT NULL UNIQUE,
      kind text NOT NULL CHECK (kind IN ('registered', 'floating')),
      place_id bigint NOT NULL REFERENCES place(id),
      head_person_id bigint REFERENCES person(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX household_place_idx ON household (place_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE household`);
  }
}
