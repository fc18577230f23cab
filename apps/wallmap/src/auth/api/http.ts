import type { LoginResponse } from '@gc/contracts';
import { loadSession, saveSession, sessionFromLogin, type Session } from '../state/session';

/** The API's one error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

type Listener = (s: Session | null) => void;
let current: Session | null = loadSession();
const listeners = new Set<Listener>();
/**
 * Why the last session ended, for the sign-in screen: `signed_out` on this wall, `ended` by the
 * server (signed out elsewhere, revoked, or expired beyond refresh); null before any.
 */
export type SessionEnd = 'signed_out' | 'ended';
let lastEnd: SessionEnd | null = null;

export const getSession = () => current;
export const sessionEnd = () => lastEnd;

/**
 * Which sign-in the current session belongs to (refreshes keep it). An answer to a request sent
 * for an earlier sign-in (a 401 for a token signed out elsewhere, a failed refresh, a socket of
 * that session) must not end the session of a later one.
 */
let signIn = 0;
export const currentSignIn = () => signIn;

/** End the session of sign-in `of` (as `ended`), unless another sign-in has replaced it since. */
export function endSession(of: number): void {
  if (of === signIn) setSession(null);
}
export function setSession(s: Session | null, end: SessionEnd = 'ended'): void {
  // Already ended: the first reason stands (signing out here also ends the socket, whose handler
  // then finds no session to refresh and would otherwise call it ended by the server).
  if (!s && !current) return;
  current = s;
  lastEnd = s ? null : end;
  saveSession(s);
  for (const l of listeners) l(s);
}
export function onSession(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function raw(method: string, url: string, body?: unknown, token?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

let refreshing: Promise<boolean> | null = null;
/**
 * Trades the refresh token for a new pair; one refresh at a time, shared by every caller (the
 * timer, requests, the socket). `stale` is the access token a caller was refused with: when the
 * session already holds another one (a refresh finished while that request was on its way), that
 * one is used and no second refresh is made — a burst of expired requests costs one refresh.
 */
export function refreshSession(stale?: string): Promise<boolean> {
  const s = current;
  if (!s) return Promise.resolve(false);
  if (!refreshing && stale !== undefined && s.accessToken !== stale) return Promise.resolve(true);
  const of = signIn;
  refreshing ??= (async () => {
    try {
      const res = await raw('POST', '/api/auth/refresh', { refreshToken: s.refreshToken });
      if (!res.ok) return false;
      const r = (await res.json()) as LoginResponse;
      if (of !== signIn) return false; // signed in again meanwhile: that session stands
      setSession(sessionFromLogin({ ...r, user: r.user ?? s.user }, Date.now()));
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/**
 * What is wrong with the server right now, for a message on screen (null: nothing). `busy`: 503 or
 * 429 (the server asks to come back), `error`: another 5xx, `offline`: no answer at all.
 * `retryAt`: when the next attempt goes out (ms since epoch).
 */
export interface ApiTrouble {
  kind: 'busy' | 'error' | 'offline';
  status: number | null;
  retryAt: number;
}
let trouble: ApiTrouble | null = null;
const troubleListeners = new Set<(t: ApiTrouble | null) => void>();
export const apiTrouble = () => trouble;
export function onApiTrouble(l: (t: ApiTrouble | null) => void): () => void {
  troubleListeners.add(l);
  return () => troubleListeners.delete(l);
}
/** Tell the screens (also used by the map for its tile requests). */
export function reportTrouble(t: ApiTrouble | null): void {
  if (t === trouble || (!t && !trouble)) return;
  trouble = t;
  for (const l of troubleListeners) l(t);
}
export const troubleOf = (status: number | null, retryAt: number): ApiTrouble => ({
  kind: status === null ? 'offline' : status === 503 || status === 429 ? 'busy' : 'error',
  status,
  retryAt,
});

/** Delays before the retries of a GET that failed for a reason a retry can cure (ms; jittered ±25 %). */
export const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];
const retriable = (status: number) => status === 429 || status >= 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jitter = (ms: number) => Math.round(ms * (0.75 + Math.random() * 0.5));

/**
 * `raw`, and for a GET (safe to repeat) retries with back-off while the server answers 429/5xx or
 * does not answer at all, telling the screens meanwhile (apiTrouble). Other methods are sent once:
 * a write that reached the server must not be made twice.
 */
async function rawWithRetry(method: string, url: string, body: unknown, token: string | undefined): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    let res: Response | null = null;
    try {
      res = await raw(method, url, body, token);
    } catch (e) {
      if (method !== 'GET' || attempt >= RETRY_DELAYS_MS.length) {
        reportTrouble(troubleOf(null, Date.now()));
        throw e;
      }
    }
    if (res && !retriable(res.status)) {
      reportTrouble(null);
      return res;
    }
    if (res && (method !== 'GET' || attempt >= RETRY_DELAYS_MS.length)) {
      reportTrouble(troubleOf(res.status, Date.now()));
      return res;
    }
    const wait = jitter(RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]);
    reportTrouble(troubleOf(res?.status ?? null, Date.now() + wait));
    await sleep(wait);
  }
}

/** A JSON request with the bearer token; GETs retried with back-off on 429/5xx/no answer; one refresh-and-retry on 401. */
export async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const of = signIn;
  const sent = current?.accessToken;
  let res = await rawWithRetry(method, url, body, sent);
  if (res.status === 401 && current && (await refreshSession(sent ?? ''))) res = await rawWithRetry(method, url, body, current?.accessToken);
  if (res.status === 401 && url !== '/api/auth/login') endSession(of);
  const data = await parse(res);
  if (!res.ok) {
    const e = (data ?? {}) as { code?: string; message?: string; details?: unknown };
    throw new ApiError(res.status, e.code ?? String(res.status), e.message ?? res.statusText, e.details);
  }
  return data as T;
}

/** A file the API serves behind sign-in (an attachment), as a Blob for an object URL. */
export async function fetchBlob(url: string): Promise<Blob> {
  const sent = current?.accessToken;
  let res = await rawWithRetry('GET', url, undefined, sent);
  if (res.status === 401 && current && (await refreshSession(sent ?? ''))) res = await rawWithRetry('GET', url, undefined, current?.accessToken);
  if (!res.ok) throw new ApiError(res.status, String(res.status), res.statusText, null);
  return res.blob();
}

/** Sign out on the server too (its refresh token and open sockets end), then locally even if the server cannot be reached. */
export async function signOut(): Promise<void> {
  const s = current;
  setSession(null, 'signed_out');
  if (s) await raw('POST', '/api/auth/logout', undefined, s.accessToken).catch(() => undefined);
}

export async function login(username: string, password: string): Promise<Session> {
  const r = await api<LoginResponse>('POST', '/api/auth/login', { username, password });
  const s = sessionFromLogin(r, Date.now());
  signIn++;
  setSession(s);
  return s;
}
