import { bbox, difference, featureCollection, intersect, kinks, lineString, point, polygon, union, booleanIntersects, booleanPointInPolygon, area as turfArea } from '@turf/turf';
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
  /** the parent's outline: vertices on it stay on it (snap), and edits may not leave it */
  parent?: Polygon | MultiPolygon;
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
  /** a vertex put on the edge a–b: every area with that edge (a neighbour sharing it) gets it too */
  | { type: 'insert-vertex'; a: Position; b: Position; at: Position }
  | { type: 'add'; geometry: Polygon; name?: string };

export type HistoryAction = Edit | { type: 'load'; state: DraftState } | { type: 'undo' } | { type: 'redo' };

/** Why an edit cannot be done (a dictionary key under `studio.why.`), or null when it can. */
export type Why =
  | 'noSuchArea'
  | 'lineMustCross'
  | 'notNeighbours'
  | 'sameArea'
  | 'badCode'
  | 'codeTaken'
  | 'emptyName'
  | 'tooSmall'
  | 'noSuchVertex'
  | 'noSuchEdge'
  | 'selfIntersects'
  | 'wouldOverlap'
  | 'wouldLeaveGap'
  | 'outsideParent'
  | null;

/** Pieces below this many m² are digitising noise, as on the server (area-topology NOISE_M2). */
const NOISE_M2 = 1;
/** A vertex this close to the parent's outline (m) lies on it and is kept on it. */
const ON_PARENT_M = 0.5;

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
      return find(s, e.code) ? null : 'noSuchArea';
    case 'reshape':
      return find(s, e.code) ? topologyWhy(s, reshaped(s, e.code, e.geometry)) : 'noSuchArea';
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
    case 'move-vertex': {
      if (!s.areas.some((a) => rings(a.geometry).some((r) => r.some((p) => same(p, e.from))))) return 'noSuchVertex';
      return topologyWhy(s, withVertexMoved(s, e.from, e.to));
    }
    case 'insert-vertex': {
      const next = insertedAll(s, e.a, e.b, e.at);
      return next === s ? 'noSuchEdge' : topologyWhy(s, next);
    }
  }
}

const rings = (g: Polygon | MultiPolygon): Position[][] => (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat());
const mapRings = (g: Polygon | MultiPolygon, f: (r: Position[]) => Position[]): Polygon | MultiPolygon =>
  g.type === 'Polygon' ? { type: 'Polygon', coordinates: g.coordinates.map(f) } : { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map(f)) };

/**
 * Distance (m) from a point to the parent's outline, and the nearest point on it, in the plane of
 * longitude and latitude as PostGIS tests geometry (a geodesic nearest point lies centimetres off
 * the straight edge the server sees); metres from a local scale at the point's latitude.
 */
function nearestOnParent(parent: Polygon | MultiPolygon, p: Position): { m: number; at: Position } {
  const kx = 111320 * Math.cos((p[1] * Math.PI) / 180);
  const ky = 110540;
  let best = { m: Infinity, at: p };
  for (const r of rings(parent)) {
    for (let i = 1; i < r.length; i++) {
      const [a, b] = [r[i - 1], r[i]];
      const [dx, dy] = [(b[0] - a[0]) * kx, (b[1] - a[1]) * ky];
      const len2 = dx * dx + dy * dy;
      const t = len2 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * kx * dx + (p[1] - a[1]) * ky * dy) / len2)) : 0;
      const at: Position = t === 0 ? a : t === 1 ? b : [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
      const m = Math.hypot((p[0] - at[0]) * kx, (p[1] - at[1]) * ky);
      if (m < best.m) best = { m, at };
    }
  }
  return best;
}

/** A dragged point on the 1e-7° grid (~1 cm) the server's repair and publish compare on (terra-draw hands 9 digits). */
const onGrid = (p: Position): Position => [Math.round(p[0] * 1e7) / 1e7, Math.round(p[1] * 1e7) / 1e7];

/** Where a vertex that was at `from` goes: a vertex on the parent's outline stays on it (snapped to the nearest point). */
function snapped(s: DraftState, from: Position, to: Position): Position {
  if (!s.parent || nearestOnParent(s.parent, from).m > ON_PARENT_M) return onGrid(to);
  return nearestOnParent(s.parent, to).at;
}

/**
 * The draft with the vertex at `from` moved to `to` in every area that has it (snapped as the edit
 * does), unchecked: what the map shows while the vertex is being dragged, before the edit is made.
 */
export function withVertexMoved(s: DraftState, from: Position, to: Position): DraftState {
  const target = snapped(s, from, to);
  return {
    ...s,
    areas: s.areas.map((x) => (rings(x.geometry).some((r) => r.some((p) => same(p, from))) ? { ...x, geometry: moveIn(x.geometry, from, target) } : x)),
  };
}

function insertedAll(s: DraftState, a: Position, b: Position, at: Position): DraftState {
  // on an edge of the parent's outline the new vertex is put on the outline
  const onParent = s.parent && nearestOnParent(s.parent, a).m <= ON_PARENT_M && nearestOnParent(s.parent, b).m <= ON_PARENT_M;
  const v = onParent ? nearestOnParent(s.parent!, at).at : onGrid(at);
  let hit = false;
  const areas = s.areas.map((x) => {
    let mine = false;
    const geometry = mapRings(x.geometry, (r) => {
      const out: Position[] = [r[0]];
      for (let i = 1; i < r.length; i++) {
        const [p, q] = [r[i - 1], r[i]];
        if ((same(p, a) && same(q, b)) || (same(p, b) && same(q, a))) {
          out.push(v);
          mine = true;
        }
        out.push(q);
      }
      return out;
    });
    hit ||= mine;
    return mine ? { ...x, geometry } : x;
  });
  return hit ? { ...s, areas } : s;
}

function reshaped(s: DraftState, code: string, g: Polygon | MultiPolygon): DraftState {
  return { ...s, areas: s.areas.map((x) => (x.code === code ? { ...x, geometry: g } : x)) };
}

const m2 = (g: Polygon | MultiPolygon | null | undefined) => (g ? turfArea(asFeature(g)) : 0);
const boxesMeet = (a: number[], b: number[]) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
function overlapM2(a: Polygon | MultiPolygon, b: Polygon | MultiPolygon): number {
  if (!boxesMeet(bbox(asFeature(a)), bbox(asFeature(b)))) return 0;
  return m2(intersect(featureCollection([asFeature(a), asFeature(b)]))?.geometry);
}
const insideM2 = (g: Polygon | MultiPolygon, parent: Polygon | MultiPolygon | undefined) => (parent ? m2(intersect(featureCollection([asFeature(g), asFeature(parent)]))?.geometry) : m2(g));

/**
 * Would going from `before` to `after` open an overlap, a gap or a piece outside the parent, or
 * tangle a ring? Only the areas the edit changed are measured, against what they were (a draft
 * that already had a problem can still be edited). Overlap: a changed area covers a neighbour by
 * more than NOISE_M2 more than before. Outside: more than NOISE_M2 more of it outside the parent.
 * Gap: the changed areas cover less of the parent than before (overlaps counted once).
 */
export function topologyWhy(before: DraftState, after: DraftState): Why {
  const old = new Map(before.areas.map((a) => [a.code, a.geometry]));
  const changed = after.areas.filter((a) => old.get(a.code) !== a.geometry);
  if (!changed.length) return null;
  for (const c of changed) if (kinks(asFeature(c.geometry)).features.length) return 'selfIntersects';
  let overlapBefore = 0;
  let overlapAfter = 0;
  const done = new Set<string>();
  for (const c of changed) {
    done.add(c.code);
    for (const o of after.areas) {
      if (done.has(o.code)) continue;
      const now = overlapM2(c.geometry, o.geometry);
      const was = old.has(c.code) && old.has(o.code) ? overlapM2(old.get(c.code)!, old.get(o.code)!) : 0;
      if (now - was > NOISE_M2) return 'wouldOverlap';
      overlapBefore += was;
      overlapAfter += now;
    }
  }
  let insideBefore = 0;
  let insideAfter = 0;
  for (const c of changed) {
    const was = old.get(c.code);
    const inAfter = insideM2(c.geometry, after.parent);
    const inBefore = was ? insideM2(was, before.parent) : 0;
    if (after.parent && m2(c.geometry) - inAfter - (was ? m2(was) - inBefore : 0) > NOISE_M2) return 'outsideParent';
    insideAfter += inAfter;
    insideBefore += inBefore;
  }
  if (insideAfter - overlapAfter < insideBefore - overlapBefore - NOISE_M2) return 'wouldLeaveGap';
  return null;
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
      return reshaped(s, e.code, e.geometry);
    case 'move-vertex':
      // a vertex shared by neighbours moves for all of them: the border stays shared
      return withVertexMoved(s, e.from, e.to);
    case 'insert-vertex':
      return insertedAll(s, e.a, e.b, e.at);
    case 'add':
      return { ...s, areas: [...s.areas, { code: nextCode(s), name: e.name ?? nextCode(s), geometry: e.geometry }] };
  }
}

export const emptyHistory = (parentCode = ''): History => ({ past: [], present: { parentCode, areas: [] }, future: [] });

const LIMIT = 100;
export function historyReducer(h: History, a: HistoryAction): History {
  switch (a.type) {
    case 'load':
      // a reload of the same draft (after a repair) keeps the parent's outline it was opened with
      return { past: [], present: a.state.parent || a.state.parentCode !== h.present.parentCode ? a.state : { ...a.state, parent: h.present.parent }, future: [] };
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

/** The vertex put on an edge between two versions of one area's geometry (a midpoint dragged out), or null. */
export function insertedVertex(before: Polygon | MultiPolygon, after: Polygon | MultiPolygon): { a: Position; b: Position; at: Position } | null {
  const [rb, ra] = [rings(before), rings(after)];
  if (rb.length !== ra.length) return null;
  let found: { a: Position; b: Position; at: Position } | null = null;
  const near = (p: Position, q: Position) => Math.abs(p[0] - q[0]) < 1e-8 && Math.abs(p[1] - q[1]) < 1e-8;
  for (let k = 0; k < rb.length; k++) {
    const [b, a] = [rb[k], ra[k]];
    if (a.length === b.length) {
      if (a.some((p, i) => !near(p, b[i]))) return null;
      continue;
    }
    if (a.length !== b.length + 1 || found) return null;
    let i = 0;
    while (i < b.length && near(a[i], b[i])) i++;
    // a[i] is new, between b[i-1] and b[i]; the rest follows unchanged
    if (i === 0 || i >= b.length || a.slice(i + 1).some((p, j) => !near(p, b[i + j]))) return null;
    found = { a: b[i - 1], b: b[i], at: a[i] };
  }
  return found;
}

export const cutLine = (coords: Position[]): Feature<LineString> => lineString(coords);
