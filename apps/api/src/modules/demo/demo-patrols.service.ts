import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ROLE_PERMISSIONS } from '@gc/contracts';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { AuthService } from '../auth/auth.service';
import type { Principal } from '../auth/principal';
import { PatrolsService } from '../field/patrols.service';
import { PositionsService } from '../field/positions.service';
import { DemoPatrolsRepository, type SimPatroller } from './demo-patrols.repository';
import { rng } from './demo-random';
import { DemoService } from './demo.service';
import { asBackground } from '../../core/database/background-work';

const PATROLLERS = 12;
const BATCH_MS = 10_000;
const STEP_M = 12; // about 4 km/h, one fix every ~10 s
const M_PER_DEG = 111_320;

interface Walker {
  p: SimPatroller;
  principal: Principal;
  heading: number;
}

/**
 * With the simulator on, a dozen grid workers walk their grids on patrol (a random walk that turns
 * back at the grid's edge), sending a position batch every 10 s through the field module's own
 * services, so the wall's worker layer moves like it would with real phones.
 */
@Injectable()
export class DemoPatrolsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Simulator');
  private readonly r = rng((Date.now() + 7) % 2 ** 31);
  private timer: NodeJS.Timeout | null = null;
  private walkers: Walker[] = [];
  private seq = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: DemoPatrolsRepository,
    private readonly positions: PositionsService,
    private readonly patrols: PatrolsService,
    private readonly demo: DemoService,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.simulator) return;
    await this.demo.ready;
    const db = this.dataSource.manager;
    // a real hash of a password nobody knows: the accounts exist for the positions, not for signing in
    const ps = await this.repo.ensure(db, PATROLLERS, await this.auth.hashPassword(randomBytes(24).toString('base64')));
    this.walkers = ps.map((p) => ({
      p,
      heading: this.r() * 2 * Math.PI,
      principal: {
        kind: 'user',
        id: p.id,
        name: p.name,
        roles: ['grid_worker'],
        permissions: new Set(ROLE_PERMISSIONS.grid_worker),
        jurisdiction: p.gridCode,
        scopePath: p.gridPath,
        departmentId: null,
        departmentCode: null,
      },
    }));
    for (const w of this.walkers) {
      await this.send(w); // a position first: the patrol then knows its grid and the wall sees it
      await this.patrols.start(w.principal).catch(() => undefined); // already on patrol from an earlier run
    }
    this.logger.debug(`${this.walkers.length} grid workers on patrol`);
    this.timer = setInterval(() => {
      void asBackground('demo-patrols', () => Promise.all(this.walkers.map((w) => this.walk(w)))).catch((e: unknown) => this.logger.warn(`patrol step failed: ${(e as Error).message}`));
    }, BATCH_MS);
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async walk(w: Walker): Promise<void> {
    w.heading += (this.r() - 0.5) * 0.8;
    const dLat = (Math.cos(w.heading) * STEP_M) / M_PER_DEG;
    const dLon = (Math.sin(w.heading) * STEP_M) / (M_PER_DEG * Math.cos((w.p.lat * Math.PI) / 180));
    if (await this.repo.inside(this.dataSource.manager, w.p.gridCode, w.p.lon + dLon, w.p.lat + dLat)) {
      w.p.lon += dLon;
      w.p.lat += dLat;
    } else {
      w.heading += Math.PI; // turn back at the edge
    }
    await this.send(w);
  }

  private send(w: Walker) {
    return this.positions.ingest(w.principal, [{ at: new Date(), lon: w.p.lon, lat: w.p.lat, accuracy: 8 }], `demo-${w.p.id}-${Date.now()}-${this.seq++}`);
  }
}
