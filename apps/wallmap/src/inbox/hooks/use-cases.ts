import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { LiveMessage } from '@gc/contracts';
import { api } from '../../auth/api/http';
import { fetchOpenEvents } from '../../events/api/events-api';
import { eventsReducer, initialEventsState } from '../../events/state/events-store';
import { useLive } from '../../live/hooks/use-live';
import { routeLive } from '../../live/live-handlers';
import { INBOX_LIVE, newInboxBatch } from '../state/inbox-live';
import type { ConnectionStatus } from '../../live/state/connection';

/**
 * The open cases this user may see (the server filters: jurisdiction, and for department staff
 * only their department's), kept true by the live stream; summons changes bump `summonsTick`.
 */
export function useCases(onError: (e: unknown) => void) {
  const [state, dispatch] = useReducer(eventsReducer, initialEventsState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const [summonsTick, setSummonsTick] = useState(0);
  const [loaded, setLoaded] = useState(false);
  const apply = useCallback((messages: LiveMessage[]) => {
    const batch = routeLive(INBOX_LIVE, messages, newInboxBatch());
    dispatch({ type: 'live', batch, receivedAt: Date.now() });
    if (batch.summonsChanged) setSummonsTick((n) => n + 1);
  }, []);
  const status: ConnectionStatus = useLive(true, () => stateRef.current.lastSeq, apply);
  const errRef = useRef(onError);
  errRef.current = onError;
  useEffect(() => {
    let alive = true;
    void (async () => {
      try {
        const latest = (await api<{ latest: number }>('GET', '/api/changes?since=0&limit=1')).latest;
        const events = await fetchOpenEvents();
        if (alive) {
          dispatch({ type: 'snapshot', events, latest });
          setLoaded(true);
        }
      } catch (e) {
        if (alive) errRef.current(e);
      }
    })();
    return () => {
      alive = false;
    };
  }, []);
  return { state, status, summonsTick, loaded, dispatch };
}
