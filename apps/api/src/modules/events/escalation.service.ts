import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { EventWorkflowService } from './event-workflow.service';
import { EventsRepository } from './events.repository';
import { workingTimeBetween } from './working-time';

const MAX_LEVEL = 4; // 1 community, 2 street, 3 district, 4 city
const BATCH = 200;

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

  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: EventsRepository,
    private readonly workflow: EventWorkflowService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const seconds = this.config.ESCALATION_SWEEP_SECONDS;
    if (seconds > 0) {
      this.timer = setInterval(() => {
        this.sweep().catch((e) => this.logger.error(`escalation sweep failed: ${(e as Error).message}`));
      }, seconds * 1000);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass; returns the ids escalated. */
  async sweep(now = new Date()): Promise<number[]> {
    if (this.running) return [];
    this.running = true;
    try {
      return await this.tx.run(async (tx) => {
        const escalated: number[] = [];
        for (const row of await this.repo.overdueForUpdate(tx, BATCH, MAX_LEVEL)) {
          const overdue = workingTimeBetween(new Date(row.dueAt!), now);
          const limit = Math.max(row.stageLimitMinutes ?? 0, 1);
          const target = Math.min(MAX_LEVEL, 1 + Math.floor(overdue / limit));
          if (target <= row.escalationLevel) continue;
          await this.repo.update(tx, row.id, { state: row.state, escalationLevel: target, escalatedAt: now });
          await this.workflow.record(tx, null, row, 'escalate', row.state, {
            note: `overdue ${Math.round(overdue)} working minutes: escalated to level ${target}`,
            department: null,
            data: { from: row.escalationLevel, to: target, automatic: true, overdueMinutes: Math.round(overdue) },
            placed: null,
            attachments: [],
            changeType: 'event.escalated',
          });
          escalated.push(row.id);
        }
        return escalated;
      });
    } finally {
      this.running = false;
    }
  }
}
