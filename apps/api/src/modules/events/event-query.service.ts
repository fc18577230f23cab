import { Injectable } from '@nestjs/common';
import type { EventState } from '@gc/contracts';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { notFound } from '../../core/http/app-exception';
import type { Principal } from '../auth/principal';
import { actionsFor, viewerOf } from './event-access';
import { summonsView, toDetail, toSummary, type EventDetail } from './event-view';
import { SummonsBoardRepository } from './summons-board.repository';
import { EventsRepository, type EventFilter } from './events.repository';
import { onTimeRate } from './working-time';

/** Reads, always through the caller's jurisdiction (outside it: 404) and department. */
@Injectable()
export class EventQueryService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: EventsRepository,
    private readonly board: SummonsBoardRepository,
  ) {}

  /** Open cases near a point: what a report being taken may duplicate (nearest first, same category first). */
  async nearby(p: Principal, q: { lon: number; lat: number; radius: number; category?: string; limit: number }) {
    const rows = await this.repo.nearby(this.tx.manager, viewerOf(p), { lon: q.lon, lat: q.lat, radiusM: q.radius, category: q.category, limit: q.limit });
    const now = new Date();
    return { events: rows.map((r) => Object.assign(toSummary(r, now), { distanceM: r.distanceM, address: r.address })) };
  }

  /** Summonses still waiting for a department, on open cases the caller may see; each with who came, who is late. */
  async openSummonses(p: Principal, limit: number) {
    const rows = await this.board.open(this.tx.manager, viewerOf(p), limit);
    const now = new Date();
    return {
      summonses: rows.map((r) => Object.assign(summonsView(r, now), { eventId: r.eventId, eventTitle: r.eventTitle, eventState: r.eventState, gridName: r.gridName })),
    };
  }

  async get(p: Principal, id: number): Promise<EventDetail> {
    const d = await this.repo.detail(this.tx.manager, id, viewerOf(p));
    if (!d) throw notFound('event', id);
    return toDetail(d.row, d.timeline, d.summons, actionsFor(p, d.row.state, d.row.departmentId));
  }

  async list(p: Principal, f: EventFilter) {
    const rows = await this.repo.list(this.tx.manager, viewerOf(p), f);
    const now = new Date();
    const events = rows.map((r) => toSummary(r, now));
    return { events, next: rows.length === f.limit ? rows[rows.length - 1].id : null };
  }

  /** Raw rows for other adapters (Open311). */
  rows(p: Principal | null, f: EventFilter) {
    return this.repo.list(this.tx.manager, p ? viewerOf(p) : { scopePath: null, departmentId: null }, f);
  }

  async row(p: Principal | null, id: number) {
    return this.repo.get(this.tx.manager, id, p ? viewerOf(p) : { scopePath: null, departmentId: null });
  }

  /** On-time rate counting open overdue cases as late (the backlog is not hidden). */
  async onTime(p: Principal, since: Date | null) {
    const counts = await this.repo.onTimeCounts(this.tx.manager, viewerOf(p), since);
    return { ...counts, rate: onTimeRate(counts) };
  }
}

export type { EventState };
