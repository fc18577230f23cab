import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { CHANGE_TYPES, LIVE_NAMESPACE, type ChangesResponse, type ClientToServerEvents, type LiveMessage, type ServerToClientEvents } from '@gc/contracts';
import { api, currentSignIn, endSession, getSession, refreshSession } from '../../auth/api/http';
import { connectionStatus, type ConnectionStatus } from '../state/connection';

const PAGE = 500;

/** Everything after `since`, page by page, in seq order. */
export async function fetchChangesSince(since: number, onPage: (m: LiveMessage[]) => void): Promise<number> {
  let cursor = since;
  for (let guard = 0; guard < 1000; guard++) {
    const r = await api<ChangesResponse>('GET', `/api/changes?since=${cursor}&limit=${PAGE}`);
    if (r.changes.length) onPage(r.changes);
    const last = r.changes.length ? r.changes[r.changes.length - 1].seq : cursor;
    if (r.changes.length < PAGE || last >= r.latest) return Math.max(last, r.latest);
    cursor = last;
  }
  return cursor;
}

/**
 * The /live socket. Messages are batched (one short tick) and handed over in one call;
 * on every (re)connect the client asks /api/changes?since=<last applied seq> for what it
 * missed, so nothing is lost across a drop and nothing needs a reload (duplicates are
 * dropped by seq in the store).
 */
export function useLive(enabled: boolean, lastSeq: () => number, apply: (m: LiveMessage[]) => void): ConnectionStatus {
  const [status, setStatus] = useState<ConnectionStatus>('offline');
  const applyRef = useRef(apply);
  const lastSeqRef = useRef(lastSeq);
  applyRef.current = apply;
  lastSeqRef.current = lastSeq;

  useEffect(() => {
    if (!enabled) return;
    let everConnected = false;
    let batch: LiveMessage[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const b = batch;
      batch = [];
      if (b.length) applyRef.current(b);
    };
    let handshakeToken = '';
    let retry: ReturnType<typeof setTimeout> | undefined;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(LIVE_NAMESPACE, {
      // a function, so every reconnect sends the current (refreshed) token
      auth: (cb) => {
        handshakeToken = getSession()?.accessToken ?? '';
        cb({ token: handshakeToken });
      },
      transports: ['websocket'],
      reconnectionDelayMax: 5000,
    });
    const update = (retrying: boolean) => setStatus(connectionStatus({ connected: socket.connected, everConnected, retrying }));
    const catchUp = () => {
      void fetchChangesSince(lastSeqRef.current(), (page) => applyRef.current(page)).catch(() => undefined);
    };
    socket.on('connect', () => {
      everConnected = true;
      update(false);
      catchUp();
    });
    // The server ends a socket when its token expires or its session is signed out, and refuses a
    // handshake with a stale token; socket.io does not retry either by itself. With a session that
    // can still be refreshed, reconnect (the catch-up by seq follows); otherwise back to sign-in.
    // The refresh is the shared one, and none is made when the session already holds a newer token
    // than the socket was opened with (the usual case: the timer refreshed before expiry).
    const of = currentSignIn(); // this socket's sign-in: a later one is not ended by it
    const renew = () =>
      void refreshSession(handshakeToken).then((ok) => {
        if (ok) socket.connect();
        else endSession(of);
      });
    socket.on('disconnect', (reason) => {
      update(reason !== 'io client disconnect');
      if (reason === 'io server disconnect') renew();
    });
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      if (socket.active) return update(true); // a transport error: socket.io retries by itself
      const code = err.data?.code;
      // Refused for who the user is (a role without live changes): no token fixes that, so no
      // refresh. Retrying it with a refresh each time was a burst of refreshes that the API's
      // per-address limit on /api/auth/refresh ended with a 429, and with it the session.
      if (code === 'FORBIDDEN') return update(false);
      update(true);
      if (code === 'UNAUTHENTICATED') renew();
      else retry = setTimeout(() => socket.connect(), 5000); // the server could not check now
    });
    socket.io.on('reconnect_attempt', () => update(true));
    socket.io.on('reconnect_failed', () => update(false));
    for (const type of CHANGE_TYPES) {
      socket.on(type, (m: LiveMessage) => {
        batch.push(m);
        // a timer, not requestAnimationFrame: a wall screen in a background tab must still apply changes
        timer ??= setTimeout(flush, 16);
      });
    }
    return () => {
      if (timer) clearTimeout(timer);
      if (retry) clearTimeout(retry);
      socket.disconnect();
    };
  }, [enabled]);

  return status;
}
