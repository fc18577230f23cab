import type { EventState } from '@gc/contracts';
import type { CategoryRow } from '../events/event-catalog.repository';
import { isOpen } from '../events/event-workflow.rules';
import type { EventRow } from '../events/events.repository';

/** GeoReport v2 has two statuses; status_notes carries our finer state (the spec's intent). */
const NOTES: Record<EventState, string> = {
  reported: 'Received, waiting to be accepted (已上报)',
  unplaced: 'Received without a usable location; an operator will place it (待定位)',
  accepted: 'Accepted (已受理)',
  registered: 'Registered as a case (已立案)',
  dispatched: 'Dispatched to the responsible department (已派遣)',
  in_progress: 'Being handled (处置中)',
  handled: 'Handled, waiting for verification (已反馈)',
  verified: 'Verified, about to be closed (已核查)',
  closed: 'Closed (已结案)',
  evaluated: 'Closed and evaluated (已评价)',
  rejected: 'Not accepted (不予受理)',
  voided: 'Voided (已作废)',
  returned: 'Returned for re-dispatch (已回退)',
  rework: 'Being reworked after verification (返工)',
  extension_requested: 'Extension requested (延期申请中)',
  deferred: 'Deferred (缓办)',
  on_account: 'Recorded for later: cannot be solved now (挂账)',
  self_handled: 'Solved on the spot by the grid worker (自处理)',
};

export function open311Status(state: EventState): 'open' | 'closed' {
  return isOpen(state) ? 'open' : 'closed';
}

export function statesFor(status: 'open' | 'closed'): EventState[] {
  return (Object.keys(NOTES) as EventState[]).filter((s) => open311Status(s) === status);
}

export function toService(c: CategoryRow) {
  return {
    service_code: c.code,
    service_name: c.name,
    description: c.nameEn,
    metadata: false,
    type: 'realtime' as const,
    keywords: [c.code, c.nameEn, c.name].join(','),
    group: c.groupName,
  };
}

export function toRequest(e: EventRow) {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    service_request_id: String(e.id),
    status: open311Status(e.state),
    status_notes: NOTES[e.state],
    service_name: e.categoryName,
    service_code: e.category,
    description: e.description ?? e.title,
    agency_responsible: e.department,
    service_notice: null,
    requested_datetime: iso(e.createdAt)!,
    updated_datetime: iso(e.updatedAt),
    expected_datetime: iso(e.dueAt),
    address: e.address,
    address_id: null,
    zipcode: null,
    lat: e.lat,
    long: e.lon,
    media_url: null,
  };
}

/** ~100 m: 0.001° of latitude is 111 m, of longitude 94 m at Nanjing's 32°N. */
const roundCoord = (v: number | null) => (v == null ? null : Math.round(v * 1000) / 1000);

/**
 * What anyone may read about a request (GeoReport v2 reads are public): which service, its status,
 * times and agency, and where to about 100 m. Not the description, the address or anything about
 * the reporter: residents describe their homes and neighbours in them.
 */
export function toPublicRequest(e: EventRow) {
  const full = toRequest(e);
  return { ...full, description: null, address: null, lat: roundCoord(e.lat), long: roundCoord(e.lon) };
}
