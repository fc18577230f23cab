import { Injectable } from '@nestjs/common';
import { can, type Principal } from '../auth/principal';
import { AuditService } from '../audit/audit.service';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException, notFound } from '../../core/http/app-exception';
import { requireWorker } from './field-access';
import { PatrolsRepository } from './patrols.repository';
import { PositionsService } from './positions.service';

const DAY = 86_400_000;

/** Patrols (巡查): a worker starts and ends their own; supervisors read tracks in their jurisdiction (audited). */
@Injectable()
export class PatrolsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: PatrolsRepository,
    private readonly positions: PositionsService,
    private readonly audit: AuditService,
  ) {}

  start(p: Principal) {
    const workerId = requireWorker(p);
    return this.tx.run(async (tx) => {
      const id = await this.repo.start(tx, workerId);
      if (id === null) {
        const open = await this.repo.open(tx, workerId);
        throw new AppException('CONFLICT', 'a patrol is already running: end it first', { patrolId: open });
      }
      await this.audit.write(tx, p, 'start', 'patrol', id, null, { workerId });
      await this.positions.announce(tx, workerId);
      return (await this.repo.get(tx, id))!;
    });
  }

  end(p: Principal, id: number) {
    const workerId = requireWorker(p);
    return this.tx.run(async (tx) => {
      const r = await this.repo.end(tx, id, workerId);
      if (r === 'missing') throw notFound('patrol', id);
      if (r === 'already') throw new AppException('CONFLICT', 'this patrol has already ended', { patrolId: id });
      await this.audit.write(tx, p, 'end', 'patrol', id, null, { workerId });
      await this.positions.announce(tx, workerId);
      return (await this.repo.get(tx, id))!;
    });
  }

  /**
   * Patrol time and coverage by worker or grid (the supervisor's view): figures only, no positions,
   * so not an audited read; the command centre and supervisors, within their jurisdiction.
   */
  summary(p: Principal, q: { from?: Date; to?: Date; groupBy: 'worker' | 'grid' }) {
    if (!can(p, 'events:command') && !can(p, 'events:supervise')) {
      throw new AppException('FORBIDDEN', 'patrol figures need events:command or events:supervise', { permission: 'events:supervise' });
    }
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - DAY);
    return this.tx.run(async (tx) => ({ from: from.toISOString(), to: to.toISOString(), groupBy: q.groupBy, rows: await this.repo.summary(tx, { from, to, scopePath: p.scopePath, groupBy: q.groupBy }) }));
  }

  /**
   * Tracks are position history: a grid worker reads only their own; others read the patrols
   * of their jurisdiction; every read is audited (who read whose track, for which period).
   */
  list(p: Principal, q: { worker?: number; from?: Date; to?: Date; limit: number }) {
    const own = p.roles.includes('grid_worker') && !can(p, 'events:command') && !can(p, 'events:supervise');
    if (own && q.worker !== undefined && q.worker !== p.id) throw new AppException('FORBIDDEN', 'a grid worker reads only their own patrols', { field: 'query.worker' });
    // Other people's tracks: the command centre and supervisors only (not departments or analysts).
    if (!own && !can(p, 'events:command') && !can(p, 'events:supervise')) {
      throw new AppException('FORBIDDEN', 'reading patrol tracks needs events:command or events:supervise', { permission: 'events:supervise' });
    }
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - DAY);
    const workerId = own ? p.id : (q.worker ?? null);
    return this.tx.run(async (tx) => {
      const patrols = await this.repo.list(tx, { workerId, from, to, scopePath: p.scopePath, limit: q.limit });
      await this.audit.write(tx, p, 'read_positions', 'patrol', workerId, null, { from, to, patrols: patrols.map((x) => x.id) }, { areaPath: p.scopePath });
      return { patrols };
    });
  }
}
