import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException, notFound } from '../../core/http/app-exception';
import type { Principal } from '../auth/principal';
import { viewerOf } from './event-access';
import { EventCatalogService } from './event-catalog.service';
import { EventIdempotencyService } from './event-idempotency.service';
import { isOpen } from './event-workflow.rules';
import { EventWorkflowService } from './event-workflow.service';
import type { EventDetail } from './event-view';
import { EventsRepository } from './events.repository';
import { SummonsRepository } from './summons.repository';

/**
 * 吹哨报到: a street, community or the command centre summons departments to a case;
 * each must report in within the set time (wall-clock minutes: a summons is urgent and
 * does not wait for office hours). The case shows who came and who did not.
 */
@Injectable()
export class SummonsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly events: EventsRepository,
    private readonly repo: SummonsRepository,
    private readonly catalog: EventCatalogService,
    private readonly workflow: EventWorkflowService,
    private readonly idempotency: EventIdempotencyService,
  ) {}

  async summon(p: Principal, eventId: number, input: { departments: string[]; reportWithinMinutes: number; note?: string }, opts: { idempotencyKey?: string; requestId?: string } = {}): Promise<EventDetail> {
    const requestId = opts.requestId;
    return this.tx.run((tx) =>
      this.idempotency.run(tx, p, opts.idempotencyKey, { route: `POST /api/events/${eventId}/summons`, input }, async () => {
        const row = await this.events.get(tx, eventId, viewerOf(p), true);
        if (!row) throw notFound('event', eventId);
        if (!isOpen(row.state)) throw new AppException('ILLEGAL_TRANSITION', `cannot summon departments to a case in state ${row.state}`, { state: row.state, action: 'summon', legalActions: [] });
        const depts = await this.catalog.departments(tx, [...new Set(input.departments)], 'body.departments');
        const summonsId = await this.repo.insert(tx, { eventId, createdBy: p.name, minutes: input.reportWithinMinutes, note: input.note ?? null, departmentIds: depts.map((d) => d.id) });
        return this.workflow.record(tx, p, row, 'summon', row.state, {
          note: input.note ?? null,
          department: null,
          data: { summonsId, departments: depts.map((d) => d.code), reportWithinMinutes: input.reportWithinMinutes },
          placed: null,
          attachments: [],
          changeType: 'summons.created',
          requestId,
        });
      }),
    );
  }

  async reportIn(p: Principal, eventId: number, summonsId: number, note: string | undefined, opts: { idempotencyKey?: string; requestId?: string } = {}): Promise<EventDetail> {
    const requestId = opts.requestId;
    return this.tx.run((tx) =>
      this.idempotency.run(tx, p, opts.idempotencyKey, { route: `POST /api/events/${eventId}/summons/${summonsId}/report-in`, note }, async () => {
        const row = await this.events.get(tx, eventId, viewerOf(p), true);
        if (!row || !(await this.repo.exists(tx, summonsId, eventId))) throw notFound('summons', summonsId);
        if (p.departmentId === null) throw new AppException('FORBIDDEN', 'only staff of a summoned department can report in', { summons: summonsId });
        const done = await this.repo.reportIn(tx, summonsId, eventId, p.departmentId, p.name, note ?? null);
        if (done === null) throw new AppException('FORBIDDEN', 'your department was not summoned to this case', { summons: summonsId, department: p.departmentCode });
        if (done === false) throw new AppException('CONFLICT', 'your department has already reported in', { summons: summonsId, department: p.departmentCode });
        return this.workflow.record(tx, p, row, 'report_in', row.state, {
          note: note ?? null,
          department: p.departmentCode,
          data: { summonsId },
          placed: null,
          attachments: [],
          changeType: 'summons.answered',
          requestId,
        });
      }),
    );
  }
}
