import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sqlRow } from '../database/sql';

@Injectable()
export class HealthRepository {
  /** The PostGIS library's version: one round trip that proves the database answers and PostGIS is loaded. */
  async postgisVersion(db: EntityManager): Promise<string> {
    const row = await sqlRow<{ v: string }>(db, 'SELECT postgis_lib_version() AS v');
    return row!.v;
  }
}
