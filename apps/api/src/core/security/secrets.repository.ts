import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sqlRow, sqlRun } from '../database/sql';
import type { AppSecretEntity } from './entities/app-secret.entity';

/** `app_secret`: keys generated on first boot when the environment gives none. */
@Injectable()
export class SecretsRepository {
  /** The stored value of `name`, storing `candidate` first when there is none (the first process to boot wins). */
  async getOrCreate(db: EntityManager, name: string, candidate: string): Promise<AppSecretEntity['value']> {
    await sqlRun(db, `INSERT INTO app_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [name, candidate]);
    const row = await sqlRow<Pick<AppSecretEntity, 'value'>>(db, `SELECT value FROM app_secret WHERE name = $1`, [name]);
    return row!.value;
  }

  async remove(db: EntityManager, name: string): Promise<void> {
    await sqlRun(db, `DELETE FROM app_secret WHERE name = $1`, [name]);
  }
}
