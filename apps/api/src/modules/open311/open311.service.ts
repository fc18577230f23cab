import { Injectable } from '@nestjs/common';
import { AppException } from '../../core/http/app-exception';
import type { Principal } from '../auth/principal';
import { EventCatalogService } from '../events/event-catalog.service';
import { EventIntakeService } from '../events/event-intake.service';
import { EventQueryService } from '../events/event-query.service';
import type { EventState } from '@gc/contracts';
import type { EventFilter } from '../events/events.repository';
import { statesFor, toPublicRequest, toRequest, toService } from './open311.mapping';
import type { Open311Post, Open311Query } from './open311.schemas';

const DEFAULT_WINDOW_DAYS = 90; // the spec's default when no dates are given
const MAX_REQUESTS = 1000;

/** Open311 GeoReport v2 over the events module: services = leaf categories, requests = events. */
@Injectable()
export class Open311Service {
  constructor(
    private readonly catalog: EventCatalogService,
    private readonly intake: EventIntakeService,
    private readonly query: EventQueryService,
  ) {}

  async services() {
    return (await this.catalog.categories()).map(toService);
  }

  async definition(code: string) {
    const c = await this.catalog.findCategory(code);
    if (!c) throw new AppException('NOT_FOUND', `service ${code} not found`, { service_code: code });
    return { service_code: c.code, attributes: [] as unknown[] };
  }

  async create(p: Principal, body: Open311Post, idempotencyKey?: string) {
    if (!(await this.catalog.findCategory(body.service_code))) {
      throw new AppException('VALIDATION_FAILED', `service_code: unknown service ${body.service_code}`, [{ field: 'body.service_code', message: 'unknown service (see services.json)' }]);
    }
    const name = [body.first_name, body.last_name].filter(Boolean).join(' ');
    const title = (body.description ?? '').trim().slice(0, 60) || body.service_code;
    const e = await this.intake.create(
      p,
      {
        title,
        description: body.description,
        category: body.service_code,
        source: 'open311',
        lon: body.long,
        lat: body.lat,
        address: body.address_string,
        reporter: name || body.phone ? { name: name || undefined, phone: body.phone } : undefined,
        attachments: body.media_url ? [{ url: body.media_url }] : undefined,
      },
      { idempotencyKey, route: 'POST /open311/v2/requests' },
    );
    return [{ service_request_id: String(e.id), service_notice: e.state === 'unplaced' ? 'received without a usable location: an operator will place it' : null, account_id: null }];
  }

  /**
   * Requests as the caller may read them: the public fields of every request (anonymous callers,
   * and keys or tokens outside their jurisdiction), all fields of those the caller's key or token
   * may read (`events:read` within its jurisdiction and department).
   */
  async requests(p: Principal | null, q: Open311Query) {
    let filter: EventFilter;
    if (q.service_request_id) {
      filter = { ids: q.service_request_id, limit: MAX_REQUESTS };
    } else {
      const end = q.end_date ?? null;
      const start = q.start_date ?? new Date((end ?? new Date()).getTime() - DEFAULT_WINDOW_DAYS * 86400_000);
      const states: EventState[] | undefined = q.status ? [...new Set(q.status.flatMap(statesFor))] : undefined;
      filter = { categories: q.service_code, states, since: start, until: end ?? undefined, limit: MAX_REQUESTS };
    }
    const all = await this.query.rows(null, filter);
    if (!fullReader(p)) return all.map(toPublicRequest);
    const readable = new Set((await this.query.rows(p, { ids: all.map((r) => r.id), limit: MAX_REQUESTS })).map((r) => r.id));
    return all.map((r) => (readable.has(r.id) ? toRequest(r) : toPublicRequest(r)));
  }

  async request(p: Principal | null, id: number) {
    const row = fullReader(p) ? await this.query.row(p, id) : undefined;
    if (row) return [toRequest(row)];
    const publicRow = await this.query.row(null, id);
    if (!publicRow) throw new AppException('NOT_FOUND', `service request ${id} not found`, { service_request_id: String(id) });
    return [toPublicRequest(publicRow)];
  }
}

const fullReader = (p: Principal | null): p is Principal => !!p && p.permissions.has('events:read');
