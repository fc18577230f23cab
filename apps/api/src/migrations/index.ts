import { readdirSync } from 'node:fs';
import type { MigrationInterface } from 'typeorm';

/**
 * Every migration file in this folder (`<timestamp>-<name>.ts`), in timestamp order.
 * Never edit one that has landed on main: add a new one.
 */
export const MIGRATIONS: (new () => MigrationInterface)[] = readdirSync(__dirname)
  .filter((f) => /^\d{13}-[a-z0-9-]+\.(js|ts)$/.test(f) && !f.endsWith('.d.ts'))
  .sort()
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  .flatMap((f) => Object.values(require(`./${f}`) as Record<string, new () => MigrationInterface>));
