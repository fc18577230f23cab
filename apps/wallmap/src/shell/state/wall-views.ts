import type { EventSummary } from '@gc/contracts';
import { countsFromTally, dayStartOf, emptyTally, tallyEvent, type EventCounts, type EventTally } from '../../events/state/events-store';
import { PersistentMap } from '../../events/state/persistent-map';
import { drawnEvents, visibleOnMap, type EventFilters } from '../../map/state/event-diff';
import { countedGrid, NO_CASES, type GridCount } from '../../map/state/grid-counts';

/**
 * What the wall shows, derived from the events store: the drawn events (filters applied), open and
 * overdue cases per grid, the panel's counts and the filter choices. A live batch updates each of
 * them per changed event (the store's map says which ids changed since the version these were
 * derived from); only a new snapshot, a filter change or a new day recomputes over all events.
 */
export interface WallViews {
  /** the store's events these views were derived from */
  events: PersistentMap<number, EventSummary>;
  filters: EventFilters;
  dayStart: number;
  drawn: PersistentMap<number, EventSummary>;
  gridCounts: PersistentMap<string, GridCount>;
  tally: EventTally;
  counts: EventCounts;
  /** category code → name and department → how many loaded events carry it (the filter choices) */
  catalog: { categories: Map<string, { name: string; n: number }>; departments: Map<string, number> };
  /** sorted [code, name] pairs */
  categories: readonly (readonly [string, string])[];
  departments: readonly string[];
}

const sameFilters = (a: EventFilters, b: EventFilters) => a === b || (a.category === b.category && a.state === b.state && a.department === b.department && a.overdueOnly === b.overdueOnly);

function addToCatalog(c: WallViews['catalog'], e: EventSummary, sign: 1 | -1) {
  const cat = c.categories.get(e.category);
  const n = (cat?.n ?? 0) + sign;
  if (n > 0) c.categories.set(e.category, { name: sign > 0 ? e.categoryName || e.category : (cat?.name ?? e.category), n });
  else c.categories.delete(e.category);
  if (e.department) {
    const d = (c.departments.get(e.department) ?? 0) + sign;
    if (d > 0) c.departments.set(e.department, d);
    else c.departments.delete(e.department);
  }
}

const sortedCategories = (c: WallViews['catalog']) => [...c.categories.entries()].map(([code, v]) => [code, v.name] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
const sortedDepartments = (c: WallViews['catalog']) => [...c.departments.keys()].sort();
const sameList = <T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean) => a.length === b.length && a.every((x, i) => eq(x, b[i]));

/** Views over all events at once (the first snapshot, or versions that are unrelated), in one pass. */
function fullViews(events: PersistentMap<number, EventSummary>, filters: EventFilters, dayStart: number): WallViews {
  const tally = emptyTally();
  const catalog: WallViews['catalog'] = { categories: new Map(), departments: new Map() };
  const drawn: [number, EventSummary][] = [];
  const grids = new Map<string, GridCount>();
  events.forEach((e, id) => {
    tallyEvent(tally, e, dayStart);
    addToCatalog(catalog, e, 1);
    if (visibleOnMap(e, filters)) drawn.push([id, e]);
    const code = countedGrid(e);
    if (code) {
      let c = grids.get(code);
      if (!c) grids.set(code, (c = { open: 0, overdue: 0 }));
      c.open++;
      if (e.overdue) c.overdue++;
    }
  });
  return {
    events,
    filters,
    dayStart,
    drawn: PersistentMap.from(drawn),
    gridCounts: PersistentMap.from(grids),
    tally,
    counts: countsFromTally(tally),
    catalog,
    categories: sortedCategories(catalog),
    departments: sortedDepartments(catalog),
  };
}

/**
 * The views for `events`, updated from `prev` by the events that changed since `prev` was derived
 * (each view costs per changed event, not per loaded event), or computed whole when `prev` is of
 * another lineage (a new snapshot, the replay) or too many versions behind.
 */
export function deriveViews(prev: WallViews | null, events: PersistentMap<number, EventSummary>, filters: EventFilters, now: Date): WallViews {
  const dayStart = dayStartOf(now);
  const ids = prev ? events.changedSince(prev.events) : null;
  if (!prev || !ids) return fullViews(events, filters, dayStart);
  const filtersSame = sameFilters(prev.filters, filters);
  if (!ids.length && filtersSame && dayStart === prev.dayStart) return prev;

  // drawn: the changed events go in or out; a new filter redraws everything
  let drawn = prev.drawn;
  if (!filtersSame) drawn = drawnEvents(events, filters);
  else if (ids.length) {
    const changes: [number, EventSummary | undefined][] = [];
    for (const id of ids) {
      const e = events.get(id);
      const want = e && visibleOnMap(e, filters) ? e : undefined;
      if (prev.drawn.get(id) !== want) changes.push([id, want]);
    }
    drawn = prev.drawn.with(changes);
  }

  // grid counts, today's counts and the filter choices: take the old event away, add the new one
  const newDay = dayStart !== prev.dayStart;
  const tally = newDay ? emptyTally() : { ...prev.tally };
  if (newDay) events.forEach((e) => tallyEvent(tally, e, dayStart));
  const grids = new Map<string, GridCount>();
  const bump = (e: EventSummary, sign: 1 | -1) => {
    const code = countedGrid(e);
    if (!code) return;
    let c = grids.get(code);
    if (!c) grids.set(code, (c = { ...(prev.gridCounts.get(code) ?? NO_CASES) }));
    c.open += sign;
    if (e.overdue) c.overdue += sign;
  };
  let catalog = prev.catalog;
  for (const id of ids) {
    const was = prev.events.get(id);
    const is = events.get(id);
    if (was === is) continue;
    if (catalog === prev.catalog) catalog = { categories: new Map(catalog.categories), departments: new Map(catalog.departments) };
    if (was) {
      bump(was, -1);
      if (!newDay) tallyEvent(tally, was, dayStart, -1);
      addToCatalog(catalog, was, -1);
    }
    if (is) {
      bump(is, 1);
      if (!newDay) tallyEvent(tally, is, dayStart, 1);
      addToCatalog(catalog, is, 1);
    }
  }
  const gridChanges: [string, GridCount | undefined][] = [];
  for (const [code, c] of grids) {
    const p = prev.gridCounts.get(code) ?? NO_CASES;
    if (p.open !== c.open || p.overdue !== c.overdue) gridChanges.push([code, c.open > 0 ? c : undefined]);
  }

  const categories = catalog === prev.catalog ? prev.categories : sortedCategories(catalog);
  const departments = catalog === prev.catalog ? prev.departments : sortedDepartments(catalog);
  return {
    events,
    filters,
    dayStart,
    drawn,
    gridCounts: prev.gridCounts.with(gridChanges),
    tally,
    counts: countsFromTally(tally),
    catalog,
    categories: sameList(categories, prev.categories, (a, b) => a[0] === b[0] && a[1] === b[1]) ? prev.categories : categories,
    departments: sameList(departments, prev.departments, (a, b) => a === b) ? prev.departments : departments,
  };
}
