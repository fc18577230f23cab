import { difference, featureCollection, intersect, lineString, point, polygon, union, booleanIntersects, booleanPointInPolygon, area as turfArea } from '@turf/turf';
import type { Feature, LineString, MultiPolygon, Polygon, Position } from 'geojson';

/**
 * The studio's edits as pure actions on a draft (the areas of one parent): each returns a new
 * state, never changes the old one, so undo/redo is a stack of states. An edit that cannot be
 * done says why (iD's pattern: `can*` answers a reason key the screen shows in its language).
 */
export interface DraftArea {
  code: string;
  name: string;
  geometry: Polygon | MultiPolygon;
}

export interface DraftState {
  parentCode: string;
  areas: DraftArea[];
}

export interface History {
  past: DraftState[];
  present: DraftState;
  future: DraftState[];
}

export type Edit =
  | { type: 'split'; code: string; line: Position[] }
  | { type: 'merge'; codes: [string, string] }
  | { type: 'delete'; code: string }
  | { type: 'rename'; code: string; name: string; newCode?: string }
  | { type: 'reshape'; code: string; geometry: Polygon | MultiPolygon }
  | { type: 'move-vertex'; from: Position; to: Position }
  | { type: 'add'; geometry: Polygon; name?: string };

export type HistoryAction = Edit | { type: 'load'; state: DraftState } | { type: 'undo' } | { type: 'redo' };

/** Why an edit cannot be done (a dictionary key under `studio.why.`), or null when it can. */
export type Why = 'noSuchArea' | 'lineMustCross' | 'notNeighbours' | 'sameArea' | 'badCode' | 'codeTaken' | 'emptyName' | 'tooSmall' | null;

const CODE = /^[A-Za-z0-9_]{1,64}$/;
const find = (s: DraftState, code: string) => s.areas.find((a) => a.code === code);
const asFeature = (g: Polygon | MultiPolygon): Feature<Polygon | MultiPolygon> => ({ type: 'Feature', properties: {}, geometry: g });

/** The next free code under the parent: parent code + 3 digits, one above the highest in use. */
export function nextCode(s: DraftState): string {
  let max = 0;
  for (const a of s.areas) {
    if (a.code.startsWith(s.parentCode)) {
      const n = Number(a.code.slice(s.parentCode.length));
      if (Number.isInteger(n)) max = Math.max(max, n);
    }
  }
  return `${s.parentCode}${String(max + 1).padStart(3, '0')}`;
}

/**
 * The left side of a (slightly extended) cut line as a polygon reaching ~0.5° away: the cut
 * splits an area into its part inside this polygon and the rest.
 */
function sideOf(line: Position[]): Feature<Polygon> {
  const far = 0.5;
  const ext = (a: Position, b: Position): Position => {
    const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
    const len = Math.hypot(dx, dy) || 1;
    return [b[0] + (dx / len) * far, b[1] + (dy / len) * far];
  };
  const start = ext(line[1], line[0]);
  const end = ext(line[line.length - 2], line[line.length - 1]);
  const pts = [start, ...line, end];
  // left normal of the whole cut's direction
  const [dx, dy] = [end[0] - start[0], end[1] - start[1]];
  const len = Math.hypot(dx, dy) || 1;
  const n: Position = [(-dy / len) * far, (dx / len) * far];
  const ring = [...pts, [end[0] + n[0], end[1] + n[1]], [start[0] + n[0], start[1] + n[1]], start];
  return polygon([ring]);
}

function splitGeometry(g: Polygon | MultiPolygon, line: Position[]): [Polygon | MultiPolygon, Polygon | MultiPolygon] | null {
  if (line.length < 2) return null;
  // the cut must run right across: both its ends outside the area
  if ([line[0], line[line.length - 1]].some((p) => booleanPointInPolygon(point(p), asFeature(g)))) return null;
  const side = sideOf(line);
  const a = intersect(featureCollection([asFeature(g), side]));
  const b = difference(featureCollection([asFeature(g), side]));
  if (!a || !b) return null;
  // a cut that only grazes the area leaves a crumb: not a split
  const total = turfArea(asFeature(g));
  if (turfArea(a) < total * 0.001 || turfArea(b) < total * 0.001) return null;
  return [a.geometry, b.geometry];
}

export function canEdit(s: DraftState, e: Edit): Why {
  switch (e.type) {
    case 'split': {
      const a = find(s, e.code);
      if (!a) return 'noSuchArea';
      return splitGeometry(a.geometry, e.line) ? null : 'lineMustCross';
    }
    case 'merge': {
      const [a, b] = e.codes.map((c) => find(s, c));
      if (!a || !b) return 'noSuchArea';
      if (a.code === b.code) return 'sameArea';
      const u = union(featureCollection([asFeature(a.geometry), asFeature(b.geometry)]));
      // neighbours share a border: their union is one polygon
      if (!booleanIntersects(asFeature(a.geometry), asFeature(b.geometry)) || !u || u.geometry.type !== 'Polygon') return 'notNeighbours';
      return null;
    }
    case 'delete':
    case 'reshape':
      return find(s, e.code) ? null : 'noSuchArea';
    case 'rename': {
      if (!find(s, e.code)) return 'noSuchArea';
      if (!e.name.trim()) return 'emptyName';
      if (e.newCode !== undefined && e.newCode !== e.code) {
        if (!CODE.test(e.newCode)) return 'badCode';
        if (find(s, e.newCode)) return 'codeTaken';
      }
      return null;
    }
    case 'add':
      return turfArea(asFeature(e.geometry)) < 1 ? 'tooSmall' : null;
    case 'move-vertex':
      return null;
  }
}

const same = (p: Position, q: Position) => p[0] === q[0] && p[1] === q[1];
function moveIn(g: Polygon | MultiPolygon, from: Position, to: Position): Polygon | MultiPolygon {
  const ring = (r: Position[]) => r.map((p) => (same(p, from) ? to : p));
  return g.type === 'Polygon' ? { type: 'Polygon', coordinates: g.coordinates.map(ring) } : { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map(ring)) };
}

/** One edit applied (the caller checked canEdit; an edit that cannot be done returns the state unchanged). */
export function applyEdit(s: DraftState, e: Edit): DraftState {
  if (canEdit(s, e) !== null) return s;
  switch (e.type) {
    case 'split': {
      const a = find(s, e.code)!;
      const [g1, g2] = splitGeometry(a.geometry, e.line)!;
      const code2 = nextCode(s);
      const n = s.areas.length + 1;
      return { ...s, areas: [...s.areas.map((x) => (x.code === a.code ? { ...x, geometry: g1 } : x)), { code: code2, name: `${a.name}（${n}）`, geometry: g2 }] };
    }
    case 'merge': {
      const [a, b] = e.codes.map((c) => find(s, c)!);
      const u = union(featureCollection([asFeature(a.geometry), asFeature(b.geometry)]))!;
      return { ...s, areas: s.areas.filter((x) => x.code !== b.code).map((x) => (x.code === a.code ? { ...x, geometry: u.geometry } : x)) };
    }
    case 'delete':
      return { ...s, areas: s.areas.filter((x) => x.code !== e.code) };
    case 'rename':
      return { ...s, areas: s.areas.map((x) => (x.code === e.code ? { ...x, name: e.name.trim(), code: e.newCode ?? x.code } : x)) };
    case 'reshape':
      return { ...s, areas: s.areas.map((x) => (x.code === e.code ? { ...x, geometry: e.geometry } : x)) };
    case 'move-vertex':
      // a vertex shared by neighbours moves for all of them: the border stays shared
      return { ...s, areas: s.areas.map((x) => ({ ...x, geometry: moveIn(x.geometry, e.from, e.to) })) };
    case 'add':
      return { ...s, areas: [...s.areas, { code: nextCode(s), name: e.name ?? nextCode(s), geometry: e.geometry }] };
  }
}

export const emptyHistory = (parentCode = ''): History => ({ past: [], present: { parentCode, areas: [] }, future: [] });

const LIMIT = 100;
export function historyReducer(h: History, a: HistoryAction): History {
  switch (a.type) {
    case 'load':
      return { past: [], present: a.state, future: [] };
    case 'undo':
      return h.past.length ? { past: h.past.slice(0, -1), present: h.past[h.past.length - 1], future: [h.present, ...h.future] } : h;
    case 'redo':
      return h.future.length ? { past: [...h.past, h.present], present: h.future[0], future: h.future.slice(1) } : h;
    default: {
      const next = applyEdit(h.present, a);
      if (next === h.present) return h;
      return { past: [...h.past, h.present].slice(-LIMIT), present: next, future: [] };
    }
  }
}

/** The moved vertex between two versions of one area's geometry (a vertex drag), or null. */
export function movedVertex(before: Polygon | MultiPolygon, after: Polygon | MultiPolygon): { from: Position; to: Position } | null {
  const flat = (g: Polygon | MultiPolygon) => (g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates.flat(2));
  const [b, a] = [flat(before), flat(after)];
  if (a.length !== b.length) return null;
  // the drawing library rounds coordinates: a vertex that moved less than ~1 mm did not move
  const near = (p: Position, q: Position) => Math.abs(p[0] - q[0]) < 1e-8 && Math.abs(p[1] - q[1]) < 1e-8;
  let found: { from: Position; to: Position } | null = null;
  for (let i = 0; i < a.length; i++) {
    if (!near(a[i], b[i])) {
      if (found && !(same(found.from, b[i]) && same(found.to, a[i]))) return null;
      found = { from: b[i], to: a[i] };
    }
  }
  return found;
}

export const cutLine = (coords: Position[]): Feature<LineString> => lineString(coords);
