import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { HealthReport } from '@gc/contracts';
import { Public } from '../../modules/auth/auth.decorators';
import { DATABASE_INFO, type DatabaseInfo } from '../database/database.tokens';
import { MigrationRunner } from '../database/migration-runner';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  private readonly started = Date.now();
  constructor(
    private readonly dataSource: DataSource,
    private readonly migrations: MigrationRunner,
    @Inject(DATABASE_INFO) private readonly info: DatabaseInfo,
  ) {}

  @Public()
  @Get()
  async health(): Promise<HealthReport> {
    const report: HealthReport = {
      status: 'ok',
      database: { ok: false, mode: this.info.mode, version: this.info.serverVersion },
      postgis: { ok: false, mvt: this.info.mvt },
      migrations: { ok: false, applied: 0, pending: [] },
      uptimeSeconds: Math.round((Date.now() - this.started) / 1000),
    };
    try {
      const [row] = await this.dataSource.query('SELECT postgis_lib_version() AS v');
      report.database.ok = true;
      report.postgis = { ok: true, version: row.v, mvt: this.info.mvt };
      const m = await this.migrations.status();
      report.migrations = { ok: m.pending.length === 0, ...m };
    } catch (e) {
      report.database.error = (e as Error).message;
    }
    if (!report.database.ok || !report.postgis.ok || !report.migrations.ok) report.status = 'degraded';
    return report;
  }
}
