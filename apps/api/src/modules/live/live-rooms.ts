/**
 * socket.io rooms by area. A socket sits in the room of the area it watches
 * (`area:<ltree path>`, or `area:*` for the whole territory); a change is sent
 * to the room of every ancestor of its grid path, so a street's room hears its
 * communities' and grids' changes. socket.io's `to([...rooms])` sends each
 * socket one copy even when it sits in several of them.
 *
 * Department staff see only their department's cases (auth/visibility.ts), so their sockets sit
 * in `dept:<id>|area:<path>` rooms instead (socket.io has no room intersection): a change goes to
 * those rooms only for the departments stamped on it. A socket whose roles lack the permission
 * that reads a kind of change also sits in `lacks:<permission>`, which that kind is sent `except`.
 */
export const WHOLE_TERRITORY_ROOM = 'area:*';

export function roomOfScope(scopePath: string | null): string {
  return scopePath === null ? WHOLE_TERRITORY_ROOM : `area:${scopePath}`;
}

/** The ltree path an area room stands for (not for the whole-territory room). */
export function pathOfRoom(room: string): string {
  return room.slice('area:'.length);
}

/** The room of department staff watching an area. */
export function departmentRoom(departmentId: number, areaRoom: string): string {
  return `dept:${departmentId}|${areaRoom}`;
}

/** The area room a socket's room stands for (its own, or the area part of a department room); null for any other room. */
export function areaRoomOf(room: string): string | null {
  if (room.startsWith('area:')) return room;
  const bar = room.indexOf('|area:');
  return room.startsWith('dept:') && bar > 0 ? room.slice(bar + 1) : null;
}

/** The rooms a socket of this viewer joins to watch these areas (`departmentId`: set for department staff). */
export function viewerRooms(departmentId: number | null, areaRooms: string[]): string[] {
  return departmentId === null ? areaRooms : areaRooms.map((r) => departmentRoom(departmentId, r));
}

/** The room of the sockets that may not read records needing `permission`. */
export const lacksRoom = (permission: string) => `lacks:${permission}`;

/** Where a change goes: every ancestor area's room, and for each department stamped on it, that department's rooms of those areas. */
export function roomsForChange(areaPath: string | null, departments: readonly number[] | null = null): string[] {
  const rooms = [WHOLE_TERRITORY_ROOM];
  if (areaPath) {
    // no area (a whole-territory reporter's unplaced case): whole-territory sockets only
    const labels = areaPath.split('.');
    for (let i = 1; i <= labels.length; i++) rooms.push(`area:${labels.slice(0, i).join('.')}`);
  }
  if (!departments?.length) return rooms;
  const out = rooms.slice();
  for (const d of departments) for (const r of rooms) out.push(departmentRoom(d, r));
  return out;
}
