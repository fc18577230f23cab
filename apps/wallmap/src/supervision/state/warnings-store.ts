import type { SupervisionWarning } from '@gc/contracts';
import type { WarningChange } from './supervision-live';

/** The warnings list: newest first, one entry per id, a live `warning.*` message replaces the entry it names. */
export interface WarningsState {
  items: SupervisionWarning[];
  /** ids that arrived live on this screen (highlighted until seen) */
  fresh: number[];
}

export type WarningsAction = { type: 'loaded'; items: SupervisionWarning[] } | { type: 'live'; messages: WarningChange[] } | { type: 'handled'; warning: SupervisionWarning };

export const initialWarnings: WarningsState = { items: [], fresh: [] };

const isWarning = (d: unknown): d is SupervisionWarning => typeof d === 'object' && d !== null && typeof (d as SupervisionWarning).id === 'number' && typeof (d as SupervisionWarning).kind === 'string';

function upsert(items: SupervisionWarning[], w: SupervisionWarning): SupervisionWarning[] {
  const rest = items.filter((x) => x.id !== w.id);
  return [w, ...rest].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt) || b.id - a.id);
}

export function warningsReducer(state: WarningsState, action: WarningsAction): WarningsState {
  switch (action.type) {
    case 'loaded': {
      // a live message may have come in while the list was on its way: the newer copy of each warning stays
      const byId = new Map(action.items.map((w) => [w.id, w]));
      for (const w of state.items) {
        const listed = byId.get(w.id);
        if (!listed || listed.updatedAt < w.updatedAt) byId.set(w.id, w);
      }
      return { items: [...byId.values()].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt) || b.id - a.id), fresh: state.fresh };
    }
    case 'handled':
      return { items: upsert(state.items, action.warning), fresh: state.fresh.filter((id) => id !== action.warning.id) };
    case 'live': {
      let items = state.items;
      let fresh = state.fresh;
      for (const m of [...action.messages].sort((a, b) => a.seq - b.seq)) {
        if (!isWarning(m.data)) continue;
        const known = items.find((x) => x.id === m.data.id);
        // an older message never overwrites a newer state of the same warning
        if (known && known.updatedAt > m.data.updatedAt) continue;
        items = upsert(items, m.data);
        if (m.type === 'warning.raised' && !fresh.includes(m.data.id)) fresh = [m.data.id, ...fresh];
      }
      return items === state.items ? state : { items, fresh };
    }
    default: {
      const never: never = action;
      return never;
    }
  }
}
