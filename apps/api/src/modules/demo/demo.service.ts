import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createHash } from 'node:crypto';
import * as argon2 from 'argon2';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { bootPhase, bootStep } from '../../core/boot/boot-steps';
import { threadCpuMs } from '../../core/boot/thread-cpu';
import { DATABASE_INFO, type DatabaseInfo } from '../../core/database/database.tokens';
import { snapshotTarget } from '../../core/database/demo-snapshot';
import { AppException } from '../../core/http/app-exception';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { DemoPeopleRepository } from './demo-people.repository';
import { DemoHistoryRepository, type HistoryOptions } from './demo-history.repository';
import { DemoPopulationService, type DrawnPopulation } from './demo-population.service';
import { chineseName, rng, syntheticPhone } from './demo-random';
import { DemoTerritoryService } from './demo-territory.service';

/** A year of history, ~24 cases a weekday across the six districts (a sample: the real city has thousands). */
export const DEMO_HISTORY: Omit<HistoryOptions, 'now'> = {
  days: 365,
  perDay: 24,
  categories: [
    ['exposed_rubbish', 14, 'place'], ['overflowing_bin', 8, 'object'], ['illegal_ads', 7, 'place'], ['noise', 6, 'place'], ['pollution', 2, 'place'],
    ['tree_fall', 1, 'object'], ['greenery_damage', 3, 'object'], ['street_vendor', 10, 'place'], ['illegal_parking', 9, 'place'], ['shared_bikes', 6, 'place'],
    ['road_damage', 4, 'object'], ['manhole_cover_missing', 3, 'object'], ['water_leak', 2, 'object'], ['street_light', 4, 'object'], ['sewer_blockage', 2, 'object'],
    ['fire_hazard', 2, 'place'], ['elevator_fault', 2, 'place'], ['gas_hazard', 1, 'place'], ['food_safety', 2, 'place'], ['illegal_construction', 3, 'place'],
    ['illegal_demolition', 1, 'place'], ['neighbour_dispute', 4, 'place'], ['elderly_care', 2, 'place'], ['epidemic_prevention', 1, 'place'], ['other', 2, 'place'],
  ],
};

export const DEMO_HISTORY_EMBEDDED_PER_DAY = 16;

/** Tables the demo fills in bulk: loaded without their secondary indexes (built after the rows are in). */
const BULK_TABLES = ['place', 'person', 'household', 'city_object', 'organization', 'event', 'event_transition'];

export interface DemoAccountView {
  username: string;
  password: string;
  role: string;
  displayName: string;
  jurisdiction: string;
  jurisdictionName: string;
}

/**
 * The demo city, loaded once into an EMPTY database at first boot when DEMO=on
 * (after migrations: Nest runs OnApplicationBootstrap after every OnModuleInit).
 * A database that already holds areas is never touched.
 */
@Injectable()
export class DemoService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Demo');
  private gridAccount: { code: string; name: string } | null = null;
  /** How long the last load took (ms), for the boot log and the load-time measurement. */
  lastLoadMs: number | null = null;
  private markReady!: () => void;
  /** Settles when the demo city is in place (or demo mode is off): the simulator starts after it. */
  readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(
    private readonly dataSource: DataSource,
    private readonly territory: DemoTerritoryService,
    private readonly people: DemoPeopleRepository,
    private readonly population: DemoPopulationService,
    private readonly history: DemoHistoryRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_INFO) private readonly db: DatabaseInfo,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.load();
    } finally {
      this.markReady();
    }
  }

  private async load(): Promise<void> {
    if (!this.config.demo) return;
    bootPhase('loading the demo city', 'DEMO');
    const t0 = Date.now();
    await this.population.prepare();
    let hashes: Promise<Map<string, string>> | undefined;
    let drawn: Promise<DrawnPopulation> | undefined;
    if (await this.territory.isEmpty(this.dataSource.manager)) {
      // Work of this thread that needs no database, started now so that it runs while the database
      // (its own thread when embedded) builds the territory: the demo accounts' password hashes
      // (argon2, in libuv's thread pool) and the population, drawn and sealed ahead.
      hashes = this.hashAccounts();
      drawn = this.population.draw(this.territory.plannedGrids());
      // not awaited before the transaction needs them: a failure is reported there
      hashes.catch(() => undefined);
      drawn.catch(() => undefined);
    }
    const loaded = await this.dataSource.transaction(async (tx) => {
      if (!drawn || !(await this.territory.isEmpty(tx))) return false;
      const cpu = () => threadCpuMs()?.database ?? 0;
      const lap = (() => {
        let at = { t: Date.now(), cpu: cpu() };
        return (what: string) => {
          const now = { t: Date.now(), cpu: cpu() };
          this.logger.debug(`demo ${what}: ${now.t - at.t} ms (database thread CPU ${Math.round(now.cpu - at.cpu)} ms)`);
          at = now;
        };
      })();
      await this.territory.build(tx);
      lap('territory');
      await this.seedStaff(tx);
      // the bulk tables are filled without their secondary indexes, which are then built in one go each
      const indexes = await this.population.dropSecondaryIndexes(tx, BULK_TABLES);
      const population = await drawn;
      lap('staff, and waiting for the population drawn ahead');
      await this.population.load(tx, population);
      lap('population');
      // The embedded database (one WASM thread) gets a thinner history so the first boot stays within a minute.
      const perDay = this.db.mode === 'embedded' ? DEMO_HISTORY_EMBEDDED_PER_DAY : DEMO_HISTORY.perDay;
      const history = await this.history.load(tx, { ...DEMO_HISTORY, perDay, now: new Date() });
      lap(`history (${history.events} events, ${history.transitions} transitions)`);
      await this.population.createIndexes(tx, indexes);
      lap(`${indexes.length} secondary indexes built`);
      // micro-grids follow the compounds (places), so they come after the population and its indexes
      await this.territory.buildMicroGrids(tx);
      lap('micro-grids');
      this.logger.debug(`demo data written in ${Date.now() - t0} ms, committing`);
      return true;
    });
    if (loaded) bootStep('demo city generated', Date.now() - t0);
    const t1 = Date.now();
    // Accounts are (re)asserted on every demo boot so the listed passwords always work.
    await this.seedAccounts(loaded ? await hashes : undefined);
    bootStep('demo accounts checked', Date.now() - t1);
    if (loaded) {
      this.lastLoadMs = Date.now() - t0;
      this.logger.debug(`demo city loaded in ${(this.lastLoadMs / 1000).toFixed(1)} s`);
      if (this.config.demoSnapshotDir && this.db.snapshot) await this.saveSnapshot(this.config.demoSnapshotDir, this.db.snapshot);
    }
  }

  /** argon2 hashes of the listed demo passwords, by username. */
  private async hashAccounts(): Promise<Map<string, string>> {
    return new Map(await Promise.all(DEMO_ACCOUNTS.map(async (a) => [a.username, await argon2.hash(a.password)] as const)));
  }

  /** Keep the freshly generated demo for later fresh starts (demo-snapshot.ts); a failure only costs those starts time. */
  private async saveSnapshot(dir: string, snapshot: NonNullable<DatabaseInfo['snapshot']>): Promise<void> {
    const t = Date.now();
    const qr = this.dataSource.createQueryRunner();
    try {
      // holding the only connection (idle), nothing else reaches the database during the CHECKPOINT and the copy
      await qr.connect();
      const { to, keepPrefix } = snapshotTarget(dir);
      await snapshot(to, keepPrefix);
      bootStep('demo snapshot saved for later fresh starts', Date.now() - t);
    } catch (e) {
      this.logger.warn(`demo snapshot not saved (${(e as Error).message}): later fresh starts generate the demo again`);
    } finally {
      await qr.release();
    }
  }

  private async seedStaff(tx: import('typeorm').EntityManager): Promise<void> {
    const grids = await this.people.currentGrids(tx);
    const r = rng(2025);
    const rows = grids.flatMap((g) =>
      (['grid_leader', 'grid_worker', 'grid_assistant'] as const).map((role) => ({ areaCode: g.code, role, name: chineseName(r), phone: syntheticPhone(r) })),
    );
    await this.people.insertGridStaff(tx, rows);
  }

  private async gridForAccount(): Promise<{ code: string; name: string } | null> {
    if (this.gridAccount) return this.gridAccount;
    const grids = await this.people.currentGrids(this.dataSource.manager);
    const g = grids.find((x) => x.code.startsWith('320104002')) ?? grids[0];
    this.gridAccount = g ? { code: g.code, name: g.name } : null;
    return this.gridAccount;
  }

  /**
   * The listed accounts with their listed passwords. Hashing nine passwords with argon2 took 2–9 s
   * of every boot, so the accounts as asserted last are fingerprinted (each one's password hash
   * bound to its listed password, role and jurisdiction); a boot that finds the same fingerprint
   * has nothing to do. A changed or missing account is hashed again, outside any transaction.
   */
  private async seedAccounts(hashed?: Map<string, string>): Promise<void> {
    const grid = await this.gridForAccount();
    const db = this.dataSource.manager;
    const wanted = DEMO_ACCOUNTS.map((a) => ({ ...a, jurisdiction: a.jurisdiction === '@grid' ? grid?.code : a.jurisdiction })).filter(
      (a): a is typeof a & { jurisdiction: string } => !!a.jurisdiction,
    );
    const fingerprint = (rows: { username: string; hash: string; roles: string[]; jurisdiction: string; department: string | null }[]) => {
      const h = createHash('sha256');
      for (const a of wanted) {
        const r = rows.find((x) => x.username === a.username);
        h.update(JSON.stringify([a.username, a.password, r?.hash ?? null, r?.roles ?? null, r?.jurisdiction ?? null, r?.department ?? null, a.role, a.jurisdiction, a.department ?? null]));
      }
      return h.digest('hex');
    };
    const usernames = wanted.map((a) => a.username);
    await this.people.unlockDemoUsers(db);
    if ((await this.people.accountsMark(db)) === fingerprint(await this.people.demoAccountState(db, usernames))) return;
    const hashes = await Promise.all(wanted.map((a) => hashed?.get(a.username) ?? argon2.hash(a.password)));
    await this.dataSource.transaction(async (tx) => {
      for (const [k, a] of wanted.entries()) {
        const id = await this.people.upsertDemoUser(tx, { username: a.username, displayName: a.displayName, passwordHash: hashes[k], role: a.role, jurisdiction: a.jurisdiction, department: a.department ?? null });
        if (id && a.role === 'grid_worker') await this.people.linkStaffUser(tx, a.jurisdiction, id, a.displayName);
      }
      await this.people.setAccountsMark(tx, fingerprint(await this.people.demoAccountState(tx, usernames)));
    });
  }

  /** The sign-in screen's 演示账号 list: only in demo mode (404 otherwise, as if the route did not exist). */
  async accounts(): Promise<DemoAccountView[]> {
    if (!this.config.demo) throw new AppException('ROUTE_NOT_FOUND', 'demo mode is off');
    const grid = await this.gridForAccount();
    return DEMO_ACCOUNTS.map((a) => ({
      username: a.username,
      password: a.password,
      role: a.role,
      displayName: a.displayName,
      jurisdiction: a.jurisdiction === '@grid' ? (grid?.code ?? '') : a.jurisdiction,
      jurisdictionName: a.jurisdiction === '@grid' ? (grid?.name ?? '') : a.jurisdictionName,
    }));
  }
}
