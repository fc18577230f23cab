import { Injectable } from '@nestjs/common';
import { ERROR_STATUS, type ErrorCode, type EventSource } from '@gc/contracts';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import { zodDetails } from '../../core/http/zod';
import type { Principal } from '../auth/principal';
import { EventIntakeService, externalSourceOf } from './event-intake.service';
import { EventsRepository } from './events.repository';
import { createEventBody } from './events.schemas';

/** One item's outcome, at the index it had in the batch: what POST /api/events would have answered for it. */
export interface BatchItemResult {
  index: number;
  status: number;
  id?: number;
  state?: string;
  grid?: string | null;
  code?: ErrorCode;
  message?: string;
  details?: unknown;
}

export interface BatchResult {
  received: number;
  created: number;
  /** items whose externalId this caller had already sent: not created again (status 409 with the existing id) */
  duplicates: number;
  failed: number;
  results: BatchItemResult[];
}

/**
 * Live intake in batches (the 12345 hotline forwards its tickets every few minutes; other systems
 * sync in bulk): each item goes through the same single-statement intake as POST /api/events and
 * stands on its own, so one bad item does not hold back the others and the report says, per
 * index, what happened. A re-sent batch creates nothing twice: by each item's `externalId`
 * (the hotline's ticket number), or by the batch's Idempotency-Key (item i uses `<key>.<i>`).
 */
@Injectable()
export class EventBatchService {
  constructor(
    private readonly intake: EventIntakeService,
    private readonly repo: EventsRepository,
    private readonly tx: TransactionRunner,
  ) {}

  async create(p: Principal, items: unknown[], opts: { idempotencyKey?: string; requestId?: string }): Promise<BatchResult> {
    // All items at once: the intake's group commit writes them in few statements, in item order,
    // each judged on its own (items that could see each other as duplicates go one after the other).
    const results = await Promise.all(
      items.map(async (raw, index): Promise<BatchItemResult> => {
        const parsed = createEventBody.safeParse(raw);
        if (!parsed.success) {
          const details = zodDetails(parsed.error, `body.events.${index}`);
          return { index, status: 400, code: 'VALIDATION_FAILED', message: `invalid ${details[0].field}: ${details[0].message}`, details };
        }
        try {
          const key = opts.idempotencyKey ? `${opts.idempotencyKey}.${index}` : undefined;
          const e = await this.intake.create(p, parsed.data, { idempotencyKey: key, requestId: opts.requestId, route: 'POST /api/events/batch' });
          return { index, status: 201, id: e.id, state: e.state, grid: e.grid?.code ?? null };
        } catch (err) {
          return { index, ...(await this.failure(p, parsed.data, err)) };
        }
      }),
    );
    return {
      received: items.length,
      created: results.filter((r) => r.status === 201).length,
      duplicates: results.filter((r) => r.code === 'DUPLICATE').length,
      failed: results.filter((r) => r.status >= 400 && r.code !== 'DUPLICATE').length,
      results,
    };
  }

  private async failure(p: Principal, item: { externalId?: string; source?: EventSource }, err: unknown): Promise<Omit<BatchItemResult, 'index'>> {
    if (err instanceof AppException) return { status: ERROR_STATUS[err.code], code: err.code, message: err.message, details: err.details };
    const pg = err as { code?: string; constraint?: string };
    if (pg?.code === '23505' && pg.constraint === 'event_external_uq' && item.externalId) {
      const id = await this.repo.idByExternal(this.tx.manager, externalSourceOf(p, item)!, item.externalId);
      return { status: 409, code: 'DUPLICATE', message: `already received: externalId ${item.externalId}`, id: id ?? undefined };
    }
    throw err; // not the item's fault: the whole request fails (500), nothing is hidden
  }
}
