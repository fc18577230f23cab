import type { Session } from './session';
import { refreshDelay } from './session';

const at = (lifetimeS: number): Session => ({ accessToken: 'a', refreshToken: 'r', expiresAt: 1_000_000 + lifetimeS * 1000, user: {} as Session['user'] });

describe('refreshDelay', () => {
  it('refreshes a minute before expiry for a long lifetime', () => {
    expect(refreshDelay(at(900), 1_000_000)).toBe(840_000);
  });
  it('refreshes at 80% of a short lifetime, never every second', () => {
    // 30 s is the shortest lifetime the API accepts; "a minute before expiry" would be in the past
    expect(refreshDelay(at(30), 1_000_000)).toBe(24_000);
    expect(refreshDelay(at(60), 1_000_000)).toBe(48_000);
  });
  it('waits at least a second for a token that is (nearly) expired', () => {
    expect(refreshDelay(at(0), 1_000_000)).toBe(1000);
  });
});
