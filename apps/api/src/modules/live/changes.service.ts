import { Injectable } from '@nestjs/common';
import { hiddenChangeTypes, type ChangesResponse } from '@gc/contracts';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { ChangeFeedRepository } from './change-feed.repository';
import { pathOfRoom, roomOfScope, WHOLE_TERRITORY_ROOM } from './live-rooms';

export const MAX_CHANGES_PAGE = 1000;
export const MAX_SUBSCRIBE_AREAS = 200;

/** Catch-up reads and room choices, shared by GET /api/changes and the /live socket. */
@Injectable()
export class ChangesService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly repo: ChangeFeedRepository,
  ) {}

  /**
   * What a client missed: changes after `since` inside the caller's jurisdiction, in seq order.
   * `latest` (the sequencer's counter: every seq up to it is visible) is read after the page, so it
   * is never below the last seq returned; a page shorter than `limit` means the client is caught up.
   * Rows still waiting for their seq are not part of any page yet; they come with a later seq.
   */
  /**
   * Changes after `since` that the caller may see; `rooms` (a socket's area rooms) narrows them to
   * what that socket is sent live: the whole territory, or the subtrees of its subscribed areas.
   */
  async since(p: Principal, since: number, limit: number, rooms?: string[]): Promise<ChangesResponse> {
    const subtrees = rooms === undefined || rooms.includes(WHOLE_TERRITORY_ROOM) ? null : rooms.map(pathOfRoom);
    const changes = await this.repo.since(this.db.manager, since, limit, scopeParam(p), subtrees, hiddenChangeTypes(p.permissions));
    return { changes, latest: await this.repo.latest(this.db.manager) };
  }

  latest(): Promise<number> {
    return this.repo.latest(this.db.manager);
  }

  /**
   * Rooms for a subscription: empty = the caller's whole jurisdiction; otherwise the current
   * areas with those codes, all of which must lie inside it. A code outside the jurisdiction
   * gets the same answer as an unknown one, so its existence is not revealed.
   */
  async roomsFor(p: Principal, codes: string[]): Promise<string[]> {
    if (codes.length === 0) return [roomOfScope(scopeParam(p))];
    const unique = [...new Set(codes)];
    if (unique.length > MAX_SUBSCRIBE_AREAS) {
      throw new AppException('VALIDATION_FAILED', `areas: at most ${MAX_SUBSCRIBE_AREAS} codes`, [{ field: 'areas', message: `at most ${MAX_SUBSCRIBE_AREAS} codes` }]);
    }
    if (unique.includes('*')) {
      if (scopeParam(p) !== null) throw new AppException('FORBIDDEN', 'areas: * (the whole territory) is outside your jurisdiction', { field: 'areas' });
      return [roomOfScope(null)];
    }
    const bad = unique.filter((c) => !/^[A-Za-z0-9_]{1,64}$/.test(c));
    if (bad.length) throw new AppException('VALIDATION_FAILED', `areas: not an area code: ${bad[0]}`, [{ field: 'areas', message: `not an area code: ${bad[0]}` }]);
    const found = await this.repo.currentAreasInScope(this.db.manager, unique, scopeParam(p));
    const known = new Set(found.map((a) => a.code));
    const missing = unique.filter((c) => !known.has(c));
    if (missing.length) {
      throw new AppException('NOT_FOUND', `areas: no current area ${missing.join(', ')} in your jurisdiction`, { field: 'areas', codes: missing });
    }
    return found.map((a) => roomOfScope(a.path));
  }
}
