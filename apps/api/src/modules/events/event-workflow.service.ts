import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ChangeType, EventState } from '@gc/contracts';
import { toWgs84, type InputCrs } from '@gc/geo';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException, notFound } from '../../core/http/app-exception';
import { AreaLookupService } from '../areas/area-lookup.service';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { ChangeFeedRepository } from '../live/change-feed.repository';
import { AttachmentsService } from './attachments.service';

import { WorkersService } from '../field/workers.service';
import { actionsFor, mayApply, pathInScope, viewerOf } from './event-access';
import { EventCatalogService } from './event-catalog.service';
import { EventIdempotencyService } from './event-idempotency.service';
import { EventLogRepository } from './event-log.repository';
import { ruleFor, stageOf, type EventAction } from './event-workflow.rules';
import { toDetail, toSummary, type EventDetail } from './event-view';
import { EventsRepository, type EventPatch, type EventRow } from './events.repository';
import { SummonsRepository } from './summons.repository';
import { addWorkingTime } from './working-time';

export interface TransitionInput {
  note?: string;
  department?: string;
  departments?: string[];
  minutes?: number;
  lon?: number;
  lat?: number;
  crs?: InputCrs;
  attachments?: unknown[];
  satisfaction?: number;
  passed?: boolean;
  into?: number;
  /** dispatch: the grid worker to assign (user id) instead of the grid's own worker */
  assignee?: number;
}

const MAX_ESCALATION = 4; // grid → community → street → district → city

const need = (field: string, message: string) => new AppException('VALIDATION_FAILED', `${field}: ${message}`, [{ field: `body.${field}`, message }]);

/**
 * Every state change of a case: the rule from the one switch (event-workflow.rules.ts), then
 * in one transaction the new current state and deadline, the append-only log entry, audit and outbox.
 */
@Injectable()
export class EventWorkflowService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: EventsRepository,
    private readonly log: EventLogRepository,
    private readonly summons: SummonsRepository,
    private readonly catalog: EventCatalogService,
    private readonly areas: AreaLookupService,
    private readonly audit: AuditService,
    private readonly feed: ChangeFeedRepository,
    private readonly idempotency: EventIdempotencyService,
    private readonly attachmentFiles: AttachmentsService,

    private readonly workers: WorkersService,
  ) {}

  async transition(p: Principal, id: number, action: EventAction, input: TransitionInput = {}, opts: { idempotencyKey?: string; requestId?: string } = {}): Promise<EventDetail> {
    await this.attachmentFiles.checkCitable(p, input.attachments);
    return this.tx.run((tx) => this.idempotency.run(tx, p, opts.idempotencyKey, { route: `POST /api/events/${id}/transitions`, action, input }, () => this.apply(tx, p, id, action, input, opts.requestId)));
  }

  private async apply(tx: EntityManager, p: Principal, id: number, action: EventAction, input: TransitionInput, requestId?: string): Promise<EventDetail> {
    const row = await this.repo.get(tx, id, viewerOf(p), true);
    if (!row) throw notFound('event', id);
    const rule = ruleFor(row.state, action, { passed: input.passed });
    const legal = actionsFor(p, row.state, row.departmentId);
    if (!rule) {
      throw new AppException('ILLEGAL_TRANSITION', `cannot ${action} an event in state ${row.state}`, { state: row.state, action, legalActions: legal });
    }
    if (!mayApply(p, rule, row.departmentId)) {
      throw new AppException('FORBIDDEN', `your role may not ${action} this event`, { state: row.state, action, permission: rule.permission, legalActions: legal });
    }
    const to: EventState = rule.to === 'prior' ? (row.priorState ?? 'in_progress') : rule.to;
    const now = new Date();
    const patch: EventPatch = { state: to };
    const data: Record<string, unknown> = {};
    let department: string | null = null;
    let changeType: ChangeType = 'event.transitioned';
    let placed: [number, number] | null = null;

    switch (action) {
      case 'place': {
        if (input.lon === undefined || input.lat === undefined) throw need('lon', 'lon and lat are required to place an event');
        placed = toWgs84([input.lon, input.lat], input.crs ?? 'wgs84');
        const grid = await this.areas.attribute(tx, placed[0], placed[1]);
        if (!grid) throw new AppException('OUTSIDE_TERRITORY', 'that location is outside every grid', { field: 'body.lon', lon: placed[0], lat: placed[1] });
        if (!pathInScope(p.scopePath, grid.path)) throw new AppException('FORBIDDEN', 'that location is outside your jurisdiction', { field: 'body.lon' });
        Object.assign(patch, { lon: placed[0], lat: placed[1], gridId: grid.id, gridCode: grid.code, areaPath: grid.path });
        break;
      }
      case 'dispatch': {
        const category = await this.catalog.category(row.category);
        const codes = input.departments?.length ? input.departments : input.department ? [input.department] : category.departments.slice(0, 1);
        if (!codes.length) throw need('department', 'no default department for this category: name one');
        const [lead] = await this.catalog.departments(tx, codes, input.departments?.length ? 'body.departments' : 'body.department');
        // A named worker (the dispatch control's suggestion) must be able to see the case; else the grid's own worker.
        const worker = input.assignee
          ? await this.workers.assignable(tx, input.assignee, row.areaPath).then((w) => ({ userId: w.id, name: w.name }))
          : row.gridCode
            ? await this.catalog.gridWorker(tx, row.gridCode)
            : undefined;
        Object.assign(patch, { departmentId: lead.id, assigneeUserId: worker?.userId ?? null, assigneeName: worker?.name ?? null });
        department = lead.code;
        data.departments = codes;
        if (worker) data.gridWorker = worker.name;
        break;
      }
      case 'request_extension':
        if (!input.minutes) throw need('minutes', 'how many working minutes of extension are requested');
        Object.assign(patch, { priorState: row.state, extensionMinutes: input.minutes });
        data.minutes = input.minutes;
        break;
      case 'approve_extension': {
        const minutes = input.minutes ?? row.extensionMinutes ?? 0;
        if (row.dueAt) patch.dueAt = addWorkingTime(new Date(row.dueAt), minutes, 'minutes');
        if (row.stageLimitMinutes !== null) patch.stageLimitMinutes = row.stageLimitMinutes + minutes;
        Object.assign(patch, { priorState: null, extensionMinutes: null });
        data.minutes = minutes;
        break;
      }
      case 'deny_extension':
        Object.assign(patch, { priorState: null, extensionMinutes: null });
        break;
      case 'feedback':
      case 'self_handle':
        patch.handledOnTime = !row.dueAt || now.getTime() <= new Date(row.dueAt).getTime() || action === 'self_handle';
        break;
      case 'verify':
        data.passed = input.passed !== false;
        if (input.passed === false) patch.reworkCount = row.reworkCount + 1;
        break;
      case 'evaluate':
        if (input.satisfaction === undefined) throw need('satisfaction', 'satisfaction 1-5 is required to evaluate');
        patch.satisfaction = input.satisfaction;
        data.satisfaction = input.satisfaction;
        break;
      case 'merge': {
        if (input.into === undefined) throw need('into', 'the id of the case this one duplicates');
        if (input.into === id) throw need('into', 'an event cannot be merged into itself');
        const target = await this.repo.get(tx, input.into, viewerOf(p));
        if (!target) throw notFound('event', input.into);
        patch.duplicateOf = target.id;
        data.into = target.id;
        break;
      }
      case 'escalate':
        if (row.escalationLevel >= MAX_ESCALATION)
          throw new AppException('ILLEGAL_TRANSITION', 'already escalated to the top of the hierarchy', { state: row.state, action, legalActions: legal.filter((a) => a !== 'escalate') });
        Object.assign(patch, { escalationLevel: row.escalationLevel + 1, escalatedAt: now });
        changeType = 'event.escalated';
        break;
      default:
        break;
    }
    // Where the action was done (a grid worker's GPS at feedback): recorded on the log entry, the case stays where it is.
    if (!placed && input.lon !== undefined && input.lat !== undefined) placed = toWgs84([input.lon, input.lat], input.crs ?? 'wgs84');
    if (['closed', 'rejected', 'voided', 'self_handled'].includes(to)) patch.closedAt = now;
    await this.applyDeadline(row, to, action, now, patch);
    await this.repo.update(tx, id, patch);
    return this.record(tx, p, row, action, to, { note: input.note ?? null, department, data, placed, attachments: input.attachments ?? [], changeType, requestId });
  }

  /** New stage → new deadline from now; same stage → keep it; no clock in the new state → clear it. */
  private async applyDeadline(row: EventRow, to: EventState, action: EventAction, now: Date, patch: EventPatch): Promise<void> {
    if (action === 'escalate' || action === 'approve_extension' || action === 'deny_extension' || to === 'extension_requested') return;
    const stage = stageOf(to);
    if (!stage) {
      Object.assign(patch, { stage: null, stageStartedAt: null, stageLimitMinutes: null, warnAt: null, dueAt: null });
      return;
    }
    if (stage === row.stage && to !== 'rework' && action !== 'dispatch' && row.dueAt) return;
    const category = await this.catalog.category(row.category);
    const d = this.catalog.deadline(category, row.urgency, stage, now);
    Object.assign(patch, { stage, stageStartedAt: now, stageLimitMinutes: d.limitMinutes, warnAt: d.warnAt, dueAt: d.dueAt });
  }

  /** Log entry, audit and outbox for a change already written; returns the new detail. */
  async record(
    tx: EntityManager,
    p: Principal | null,
    before: EventRow,
    action: string,
    to: EventState,
    r: { note: string | null; department: string | null; data: Record<string, unknown>; placed: [number, number] | null; attachments: unknown[]; changeType: ChangeType; requestId?: string },
  ): Promise<EventDetail> {
    await this.log.append(tx, {
      eventId: before.id,
      actorKind: p?.kind ?? 'system',
      actorId: p?.id ?? null,
      actorName: p?.name ?? 'system',
      action,
      fromState: before.state,
      toState: to,
      note: r.note,
      lon: r.placed?.[0] ?? null,
      lat: r.placed?.[1] ?? null,
      department: r.department,
      attachments: r.attachments,
      data: r.data,
    });
    const after = (await this.repo.get(tx, before.id, { scopePath: null, departmentId: null }))!;
    const summary = toSummary(after);
    await this.audit.write(tx, p, action, 'event', before.id, toSummary(before), summary, { requestId: r.requestId, areaPath: after.areaPath });
    const legal = p ? actionsFor(p, after.state, after.departmentId) : [];
    const detail = toDetail(after, await this.log.timeline(tx, before.id), await this.summons.forEvent(tx, before.id), legal);
    // Stamped with the departments that may see the case now, and the one it was taken from (a re-dispatch): its staff see it leave.
    const from = before.departmentId !== null && before.departmentId !== after.departmentId ? [before.departmentId] : [];
    await this.feed.append(tx, { type: r.changeType, entityId: before.id, areaPath: after.areaPath, payload: summary, caseId: before.id, alsoDepartments: from });
    return detail;
  }
}
