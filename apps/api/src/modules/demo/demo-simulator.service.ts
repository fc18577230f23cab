import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ROLE_PERMISSIONS, type EventSource, type Role, type Urgency } from '@gc/contracts';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { bootStep } from '../../core/boot/boot-steps';
import { asBackground, BackgroundWorkers } from '../../core/database/background-work';
import { DATABASE_INFO, type DatabaseInfo } from '../../core/database/database.tokens';
import { AppException } from '../../core/http/app-exception';
import { SessionGate } from '../../core/database/session-gate';
import type { Principal } from '../auth/principal';
import { EventIntakeService } from '../events/event-intake.service';
import { EventWorkflowService, type TransitionInput } from '../events/event-workflow.service';
import type { EventAction } from '../events/event-workflow.rules';
import { DemoSimulatorRepository, type SimAnchor } from './demo-simulator.repository';
import { categoryRhythm, hourlyRhythm, localHour, planFor, resumePlan, type PlannedStep } from './demo-simulator.plan';
import { chineseName, rng, syntheticPhone } from './demo-random';
import { DEMO_HISTORY, DemoService } from './demo.service';

interface Live {
  id: number;
  steps: PlannedStep[];
  next: number;
  at: number;
  department: string | null;
  worker: Principal | null;
}

const TICK_MS = 200;

/**
 * An incident the simulator plays out now and then: one category at one spot reported again and
 * again by callers for a minute or two (14–22 calls, one every 2–6 s: a burst pipe, a caved-in road). The early warning should
 * notice it (a spike of that category in its street; repeats at one place); the everyday cases,
 * however many, follow the history's mix and raise none by themselves.
 */
interface Cluster {
  category: string;
  anchor: SimAnchor;
  left: number;
  nextAt: number;
}
const CLUSTER_CATEGORIES = ['water_leak', 'sewer_blockage', 'road_damage', 'manhole_cover_missing'];

function principal(role: Role, p: { id: number; name: string; jurisdiction: string; scopePath: string | null; dept?: { id: number; code: string } }): Principal {
  return {
    kind: 'user',
    id: p.id,
    name: p.name,
    roles: [role],
    permissions: new Set(ROLE_PERMISSIONS[role]),
    jurisdiction: p.jurisdiction,
    scopePath: p.scopePath,
    departmentId: p.dept?.id ?? null,
    departmentCode: p.dept?.code ?? null,
  };
}

/**
 * The live demo city: new cases (patrol, hotline, residents) at SIMULATOR_RATE per second on
 * average with a daily rhythm, where people live and components stand, moved through the whole
 * workflow by simulated actors (command centre, departments, grid workers, supervisors) through
 * the events module's own services, so every change is audited and pushed like a real one.
 * About one case in twelve is left alone after dispatch: the escalation sweep escalates it when late.
 */
@Injectable()
export class DemoSimulatorService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Simulator');
  private readonly r = rng(Date.now() % 2 ** 31);
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private inFlight = new Set<Promise<void>>();
  private live: Live[] = [];
  private anchors: SimAnchor[] = [];
  private categoryNames = new Map<string, string>();
  private command: Principal | null = null;
  private supervisor: Principal | null = null;
  private departments = new Map<string, Principal>();
  private workers = new Map<string, Principal>();
  private debt = 0;
  private cluster: Cluster | null = null;
  private creating = 0;
  /**
   * At most this many intake/workflow calls in flight: half the connection pool, so people using the
   * API (and the escalation sweep) always find a connection. Beyond it, work waits for the next tick.
   */
  private readonly maxInFlight: number;
  private last = Date.now();
  readonly stats = { created: 0, transitioned: 0, failed: 0, skipped: 0, deferred: 0 };

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: DemoSimulatorRepository,
    private readonly intake: EventIntakeService,
    private readonly workflow: EventWorkflowService,
    private readonly demo: DemoService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_INFO) db: DatabaseInfo,
    private readonly gate: SessionGate,
    workers: BackgroundWorkers,
  ) {
    this.maxInFlight = Math.max(1, Math.floor(db.poolSize / 2));
    workers.register('simulator', () => ({
      name: 'simulator',
      lagMs: this.lagMs(),
      limitMs: 60_000,
      detail: { running: this.running ? 'yes' : 'no', rate: this.config.SIMULATOR_RATE, open: this.live.length, ...this.stats },
    }));
  }

  /** How late the most overdue planned step is (ms). */
  private lagMs(now = Date.now()): number {
    let oldest = now;
    for (const c of this.live) if (c.at < oldest) oldest = c.at;
    return now - oldest;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.simulator) return;
    // After the demo city has been loaded (DemoService's bootstrap runs beside this one).
    await this.demo.ready;
    if (this.stopped) return;
    await asBackground('simulator', () => this.start());
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight]);
  }

  get running(): boolean {
    return this.timer !== null;
  }

  private async start(): Promise<void> {
    const t0 = Date.now();
    const db = this.dataSource.manager;
    const city = await this.repo.cityPath(db);
    if (!city) {
      this.logger.warn('no territory: the simulator stays idle');
      return;
    }
    const op = await this.repo.user(db, 'demo_operator');
    this.command = principal('operator', { id: op?.id ?? 0, name: op?.name ?? '模拟·指挥中心', jurisdiction: city.code, scopePath: city.path });
    this.supervisor = principal('supervisor', { id: 0, name: '模拟·监督中心', jurisdiction: city.code, scopePath: city.path });
    for (const d of await this.repo.departments(db)) {
      this.departments.set(d.code, principal('department', { id: 0, name: `模拟·${d.name}`, jurisdiction: city.code, scopePath: city.path, dept: d }));
    }
    this.anchors = await this.repo.anchors(db, 3000);
    this.categoryNames = await this.repo.categoryNames(db);
    // Pick up where a previous run stopped.
    for (const c of await this.repo.openSimulated(db, 5000)) {
      const steps = resumePlan(this.r, c.state);
      if (steps.length) this.live.push({ id: c.id, steps, next: 0, at: Date.now() + steps[0].delayMs, department: c.department, worker: null });
    }
    this.last = Date.now();
    bootStep(`simulator started (${this.config.SIMULATOR_RATE} events/s, ${this.live.length} open cases resumed)`, Date.now() - t0);
    this.logger.debug(`simulator on: ${this.config.SIMULATOR_RATE} events/s on average, ${this.anchors.length} locations, ${this.live.length} open cases resumed`);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // the simulator is background work: its statements wait behind interactive requests
      void asBackground('simulator', async () => this.tick());
      this.schedule();
    }, TICK_MS);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private tick(): void {
    const now = Date.now();
    const dt = (now - this.last) / 1000;
    this.last = now;
    // People are waiting for the database (or just waited): this tick starts nothing new. Due
    // steps stay due (health reports the lag); new cases owed meanwhile are still created, later.
    if (this.gate.pressure(now)) {
      this.stats.deferred++;
      this.debt += this.config.SIMULATOR_RATE * hourlyRhythm(new Date(now)) * dt;
      return;
    }
    // Cases whose next step is due come first (a burst of new cases must not starve the workflow).
    const due = this.live.filter((c) => c.at <= now);
    if (due.length) this.live = this.live.filter((c) => c.at > now);
    for (const c of due) {
      if (this.stopped || this.inFlight.size >= this.maxInFlight) {
        c.at = now + TICK_MS;
        this.live.push(c);
        continue;
      }
      this.track(this.advance(c));
    }
    // New cases use what is left, at most half of the budget.
    this.debt += this.config.SIMULATOR_RATE * hourlyRhythm(new Date(now)) * dt;
    while (this.debt >= 1 && !this.stopped) {
      this.debt -= 1;
      if (this.creating >= Math.max(1, this.maxInFlight / 2) || this.inFlight.size >= this.maxInFlight) {
        this.stats.skipped++;
        continue;
      }
      this.creating++;
      this.track(this.createOne().finally(() => this.creating--));
    }
    this.clusterTick(now, dt);
  }

  private clusterTick(now: number, dt: number): void {
    const every = this.config.SIMULATOR_CLUSTER_MINUTES;
    if (!this.cluster && every > 0 && this.r() < dt / (every * 60)) {
      const pool = this.anchors.filter((a) => a.kind === 'object');
      const anchor = pool[Math.floor(this.r() * pool.length)];
      const category = CLUSTER_CATEGORIES[Math.floor(this.r() * CLUSTER_CATEGORIES.length)];
      if (anchor) this.cluster = { category, anchor, left: 14 + Math.floor(this.r() * 9), nextAt: now };
      if (anchor) this.logger.debug(`simulator: an incident cluster of ${category} in ${anchor.gridCode}`);
    }
    const c = this.cluster;
    if (!c || now < c.nextAt || this.stopped || this.inFlight.size >= this.maxInFlight) return;
    c.left--;
    c.nextAt = now + 2000 + this.r() * 4000;
    if (c.left <= 0) this.cluster = null;
    this.creating++;
    this.track(this.createOne({ category: c.category, anchor: c.anchor }).finally(() => this.creating--));
  }

  private workerFor(a: SimAnchor): Principal {
    let w = this.workers.get(a.gridCode);
    if (!w) {
      w = principal('grid_worker', { id: a.workerUserId ?? 0, name: a.workerName ?? '网格员', jurisdiction: a.gridCode, scopePath: a.gridPath });
      this.workers.set(a.gridCode, w);
    }
    return w;
  }

  /** A new case: drawn from the history's mix, or one more report of the incident `at`. */
  private async createOne(at?: { category: string; anchor: SimAnchor }): Promise<void> {
    const r = this.r;
    let category: string;
    let anchor: SimAnchor | undefined;
    if (at) {
      ({ category, anchor } = at);
    } else {
      const hour = localHour(new Date());
      const cats = DEMO_HISTORY.categories;
      const weights = cats.map(([code, w]) => w * categoryRhythm(code, hour));
      let u = r() * weights.reduce((s, w) => s + w, 0);
      const idx = Math.max(0, weights.findIndex((w) => (u -= w) < 0));
      const anchorKind = cats[idx][2];
      category = cats[idx][0];
      const pool = this.anchors.filter((a) => a.kind === anchorKind);
      anchor = (pool.length ? pool : this.anchors)[Math.floor(r() * (pool.length || this.anchors.length))];
    }
    if (!anchor || !this.command) return;
    const s = r();
    // an incident is phoned in by passers-by and residents
    const source: EventSource = at ? (s < 0.6 ? 'hotline' : 'resident') : s < 0.45 ? 'patrol' : s < 0.8 ? 'hotline' : 'resident';
    const urgency: Urgency = r() < 0.85 ? 'normal' : r() < 0.8 ? 'urgent' : 'critical';
    const worker = this.workerFor(anchor);
    // A grid worker reports where he stands (inside his grid); callers are placed within ~40 m of the spot.
    const jitter = source === 'patrol' ? 0 : 0.0004;
    const by = source === 'patrol' ? worker : this.command;
    try {
      const e = await this.intake.create(by, {
        title: `模拟案件·${this.categoryNames.get(category) ?? category}`,
        description: '演示数据（模拟器生成）',
        category,
        urgency,
        source,
        lon: anchor.lon + (r() - 0.5) * jitter,
        lat: anchor.lat + (r() - 0.5) * jitter,
        reporter: source === 'patrol' ? undefined : { name: chineseName(r), phone: syntheticPhone(r) },
      });
      this.stats.created++;
      if (e.state !== 'reported') return;
      const steps = planFor(r, source === 'patrol');
      this.live.push({ id: e.id, steps, next: 0, at: Date.now() + steps[0].delayMs, department: null, worker });
    } catch (err) {
      this.fail(err, 'create');
    }
  }

  private actorFor(c: Live, step: PlannedStep): Principal | null {
    switch (step.actor) {
      case 'command':
        return this.command;
      case 'supervisor':
        return this.supervisor;
      case 'worker':
        return c.worker;
      case 'department':
        return c.department ? (this.departments.get(c.department) ?? null) : null;
    }
  }

  private async advance(c: Live): Promise<void> {
    const step = c.steps[c.next];
    const p = this.actorFor(c, step);
    if (!p) return;
    const input: TransitionInput = { ...step.input };
    if (step.action === 'evaluate') input.satisfaction = 1 + Math.min(4, Math.floor(this.r() * 3) + (this.r() < 0.7 ? 2 : 0));
    try {
      const e = await this.workflow.transition(p, c.id, step.action as EventAction, input);
      this.stats.transitioned++;
      if (step.action === 'dispatch') c.department = e.department ?? null;
    } catch (err) {
      // A person may have acted on the case meanwhile (the wall map is live): drop it.
      this.fail(err, step.action);
      return;
    }
    c.next++;
    if (c.next < c.steps.length && !this.stopped) {
      c.at = Date.now() + c.steps[c.next].delayMs;
      this.live.push(c);
    }
  }

  private fail(err: unknown, what: string): void {
    this.stats.failed++;
    // Codes only: never the payload (it may hold synthetic-but-personal-looking data).
    const code = (err as { code?: string }).code ?? (err as Error).message;
    // A refusal by the rules (a person acted on the case meanwhile, a spot outside the actor's grid) is
    // part of a live demo: debug. Anything else (the database) is worth a warning, now and then.
    if (err instanceof AppException) this.logger.debug(`simulator ${what} refused: ${code}`);
    else if (this.stats.failed % 100 === 1) this.logger.warn(`simulator ${what} failed (${this.stats.failed} so far): ${code}`);
  }
}
