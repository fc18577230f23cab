import { areaRoomOf, roomOfScope, roomsForChange, viewerRooms, WHOLE_TERRITORY_ROOM } from './live-rooms';

describe('live rooms', () => {
  it('sends a grid change to every ancestor room and the whole-territory room', () => {
    expect(roomsForChange('320104.320104001.320104001001')).toEqual(['area:*', 'area:320104', 'area:320104.320104001', 'area:320104.320104001.320104001001']);
  });

  it('sends an unplaced change only to the whole-territory room', () => {
    expect(roomsForChange(null)).toEqual([WHOLE_TERRITORY_ROOM]);
  });

  it('puts a scoped socket in its area room and a territory-wide one in area:*', () => {
    expect(roomOfScope('320104.320104001')).toBe('area:320104.320104001');
    expect(roomOfScope(null)).toBe('area:*');
    // a scope is reached by changes below it, never by a sibling sharing a prefix of its text
    expect(roomsForChange('3201040.x')).not.toContain(roomOfScope('320104'));
  });

  it('puts department staff in the rooms of their department, which only changes stamped with it reach', () => {
    const [room] = viewerRooms(7, [roomOfScope('320104')]);
    expect(room).toBe('dept:7|area:320104');
    expect(areaRoomOf(room)).toBe('area:320104');
    expect(areaRoomOf('lacks:events:read')).toBeNull();
    expect(roomsForChange('320104.320104001', [7])).toContain(room);
    expect(roomsForChange('320104.320104001', [8])).not.toContain(room);
    expect(roomsForChange('320104.320104001', null)).not.toContain(room);
    expect(viewerRooms(null, ['area:*'])).toEqual(['area:*']);
  });
});
