import type { LoginResponse, MeResponse } from '@gc/contracts';

/** Tokens live in sessionStorage: one wall screen, one tab; closing it signs out. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  /** epoch ms when the access token expires */
  expiresAt: number;
  user: MeResponse;
}

const KEY = 'gc.session';

export function sessionFromLogin(r: LoginResponse, now: number): Session {
  return { accessToken: r.accessToken, refreshToken: r.refreshToken, expiresAt: now + (r.expiresIn ?? 900) * 1000, user: r.user };
}

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
}

/**
 * When to refresh: a minute before expiry, or at 80% of a short lifetime (whichever is later).
 * The later of the two, not the earlier: with a lifetime under a minute "a minute before expiry"
 * is already past, and taking it refreshed every second, a burst the API's per-address limit on
 * /api/auth/refresh answers with 429 until the session could not be renewed and ended.
 */
export function refreshDelay(s: Session, now: number): number {
  const left = s.expiresAt - now;
  return Math.max(1000, left - 60_000, left * 0.8);
}
