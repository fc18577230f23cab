/**
 * socket.io rooms by area. A socket sits in the room of the area it watches
 * (`area:<ltree path>`, or `area:*` for the whole territory); a change is sent
 * to the room of every ancestor of its grid path, so a street's room hears its
 * communities' and grids' changes. socket.io's `to([...rooms])` sends each
 * socket one copy even when it sits in several of them.
 */
export const WHOLE_TERRITORY_ROOM = 'area:*';

export function roomOfScope(scopePath: string | null): string {
  return scopePath === null ? WHOLE_TERRITORY_ROOM : `area:${scopePath}`;
}

/** The ltree path an area room stands for (not for the whole-territory room). */
export function pathOfRoom(room: string): string {
  return room.slice('area:'.length);
}

export function roomsForChange(areaPath: string | null): string[] {
  const rooms = [WHOLE_TERRITORY_ROOM];
  if (!areaPath) return rooms; // no area (a whole-territory reporter's unplaced case): whole-territory sockets only
  const labels = areaPath.split('.');
  for (let i = 1; i <= labels.length; i++) rooms.push(`area:${labels.slice(0, i).join('.')}`);
  return rooms;
}
