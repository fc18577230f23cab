import { Injectable } from '@nestjs/common';
import { hash as sha } from 'node:crypto';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import type { Principal } from '../auth/principal';
import { AuditService } from '../audit/audit.service';
import { VisitsRepository } from './visits.repository';

export interface VisitInput {
  personId?: number;
  householdNo?: string;
  placeId?: number;
  visitedAt?: Date;
  notes: string;
  tags: string[];
  followUpEventIds: number[];
}

/**
 * Household visits (走访 / 民情日志). The subject must exist inside the caller's jurisdiction;
 * answers carry the subject's name only, never ID or phone numbers. Idempotency-Key: a phone's
 * retry of the same visit is the same visit.
 */
@Injectable()
export class VisitsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: VisitsRepository,
    private readonly audit: AuditService,
  ) {}

  create(p: Principal, input: VisitInput, key: string | undefined) {
    if (p.kind !== 'user') throw new AppException('FORBIDDEN', 'a visit is made by a signed-in person', { kind: p.kind });
    const ids = { personId: input.personId ?? null, householdNo: input.householdNo ?? null, placeId: input.placeId ?? null };
    const requestHash = key ? sha('sha256', JSON.stringify({ ...ids, ...input, visitedAt: input.visitedAt?.toISOString() ?? null }), 'hex') : null;
    return this.tx.run(async (tx) => {
      const subject = await this.repo.subject(tx, ids, p.scopePath);
      if (!subject) throw new AppException('NOT_FOUND', 'the visited person, household or place does not exist in your jurisdiction', ids);
      const follow = [...new Set(input.followUpEventIds)];
      if (follow.length && (await this.repo.visibleEvents(tx, follow, p.scopePath)) !== follow.length) {
        throw new AppException('VALIDATION_FAILED', 'followUpEventIds: a case does not exist in your jurisdiction', [{ field: 'body.followUpEventIds', message: 'unknown case' }]);
      }
      const r = await this.repo.insert(tx, {
        workerId: p.id,
        ...ids,
        visitedAt: input.visitedAt ?? new Date(),
        notes: input.notes,
        tags: input.tags,
        followUpEventIds: follow,
        gridCode: subject.gridCode,
        areaPath: subject.areaPath,
        idempotencyKey: key ?? null,
        requestHash,
      });
      if (!r.fresh && r.requestHash !== requestHash) {
        throw new AppException('IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was already used with a different request', { header: 'idempotency-key' });
      }
      if (r.fresh) await this.audit.write(tx, p, 'create', 'visit', r.id, null, { ...ids, tags: input.tags }, { areaPath: subject.areaPath });
      return (await this.repo.get(tx, r.id))!;
    });
  }

  list(p: Principal, q: { personId?: number; placeId?: number; householdNo?: string; limit: number }) {
    return this.tx.run(async (tx) => ({
      visits: await this.repo.list(tx, { personId: q.personId ?? null, placeId: q.placeId ?? null, householdNo: q.householdNo ?? null, limit: q.limit }, p.scopePath),
    }));
  }
}
