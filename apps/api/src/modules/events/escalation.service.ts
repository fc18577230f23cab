import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import type { EntityManager } from 'typeorm';
import { asBackground, BackgroundWorkers } from '../../core/database/background-work';
import { SessionGate } from '../../core/database/session-gate';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { EventWorkflowService } from './event-workflow.service';
import { EventsRepository, type EventRow } from './events.repository';
import { workingTimeBetween } from './working-time';

const MAX_LEVEL = 4; // 1 community, 2 street, 3 district, 4 city
/** overdue cases looked at per sweep */
const BATCH = 200;
/** cases per transaction */
const CHUNK = 6;

/**
 * 督办: overdue cases climb the hierarchy. The level a case should be at is
 * 1 + one more for every further full stage limit it is overdue (in working time),
 * capped at the city; the sweep raises cases that are below it. Runs every
 * ESCALATION_SWEEP_SECONDS (0 = off; tests call `sweep()` directly).
 */
@Injectable()
export class EscalationService implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly logger = new Logger('Escalation');
  private lastSweep: { at: number; ms: number } | null = null;
  private readonly startedAt = Date.now();
  readonly stats = { sweeps: 0, escalated: 0 };

  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: EventsRepository,
    private readonly workflow: EventWorkflowService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly gate: SessionGate,
    workers: BackgroundWorkers,
  ) {
    const period = config.ESCALATION_SWEEP_SECONDS * 1000;
    if (period > 0) {
      // lag: how much later than its period the last sweep finished (0 while on time)
      workers.register('escalation', () => ({
        name: 'escalation',
        lagMs: Math.max(0, Date.now() - (this.lastSweep?.at ?? this.startedAt) - period),
        limitMs: 2 * period,
        detail: { ...this.stats, lastSweepMs: this.lastSweep?.ms ?? null },
      }));
    }
  }

  onModuleInit(): void {
    const seconds = this.config.ESCALATION_SWEEP_SECONDS;
    if (seconds > 0) {
      this.timer = setInterval(() => {
        asBackground('escalation', () => this.sweep()).catch((e) => this.logger.warn(`escalation sweep failed (next one in ${seconds} s): ${(e as Error).message}`));
      }, seconds * 1000);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * One pass; returns the ids escalated. It looks at up to BATCH overdue cases, CHUNK per
   * transaction (each case escalated costs ~8 statements, so a chunk stays within the session
   * gate's background budget), and lets waiting interactive requests go first between chunks.
   */
  async sweep(now = new Date()): Promise<number[]> {
    if (this.running) return [];
    this.running = true;
    const started = Date.now();
    try {
      const escalated: number[] = [];
      const seen: number[] = [];
      while (seen.length < BATCH) {
        const rows = await this.tx.run(async (tx) => {
          const found = await this.repo.overdueForUpdate(tx, CHUNK, MAX_LEVEL, seen);
          for (const row of found) if (await this.escalate(tx, row, now)) escalated.push(row.id);
          return found;
        });
        seen.push(...rows.map((r) => r.id));
        if (rows.length < CHUNK) break;
        await this.gate.yieldToInteractive();
      }
      this.stats.sweeps++;
      this.stats.escalated += escalated.length;
      this.lastSweep = { at: Date.now(), ms: Date.now() - started };
      return escalated;
    } finally {
      this.running = false;
    }
  }

  /** Raise one case to the level its lateness calls for; false when it is already there. */
  private async escalate(tx: EntityManager, row: EventRow, now: Date): Promise<boolean> {
    const overdue = workingTimeBetween(new Date(row.dueAt!), now);
    const limit = Math.max(row.stageLimitMinutes ?? 0, 1);
    const target = Math.min(MAX_LEVEL, 1 + Math.floor(overdue / limit));
    if (target <= row.escalationLevel) return false;
    await this.repo.update(tx, row.id, { state: row.state, escalationLevel: target, escalatedAt: now });
    await this.workflow.record(tx, null, row, 'escalate', row.state, {
      note: `overdue ${Math.round(overdue)} working minutes: escalated to level ${target}`,
      department: null,
      data: { from: row.escalationLevel, to: target, automatic: true, overdueMinutes: Math.round(overdue) },
      placed: null,
      attachments: [],
      changeType: 'event.escalated',
    });
    return true;
  }
}
