import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { LiveMessage, WorkerPositionData } from '@gc/contracts';
import { api } from '../../auth/api/http';
import { ThrottledFeed } from '../state/worker-feed';
import { initialWorkers, workersLive, workersSnapshot, type WorkersState } from '../state/workers-store';

type Action = { type: 'snapshot'; rows: WorkerPositionData[]; latest: number } | { type: 'live'; messages: LiveMessage<'worker.position'>[] };
const reducer = (s: WorkersState, a: Action) => (a.type === 'snapshot' ? workersSnapshot(s, a.rows, a.latest) : workersLive(s, a.messages));

/**
 * The grid workers the caller may see (command roles): a snapshot, then `worker.position` live
 * messages, handed to the store at most once a second (ThrottledFeed): the wall re-renders for
 * workers once a second at most, however many phones report.
 */
export function useWorkers(enabled: boolean) {
  const [state, dispatch] = useReducer(reducer, initialWorkers);
  useEffect(() => {
    if (!enabled) return;
    let alive = true;
    void (async () => {
      try {
        const latest = (await api<{ latest: number }>('GET', '/api/changes?since=0&limit=1')).latest;
        const r = await api<{ workers: WorkerPositionData[] }>('GET', '/api/field/positions/latest');
        if (alive) dispatch({ type: 'snapshot', rows: r.workers, latest });
      } catch {
        /* the layer stays empty; live messages still fill it */
      }
    })();
    return () => {
      alive = false;
    };
  }, [enabled]);
  const feed = useRef<ThrottledFeed | null>(null);
  useEffect(() => {
    const f = new ThrottledFeed((messages) => dispatch({ type: 'live', messages }));
    feed.current = f;
    return () => f.stop();
  }, []);
  const apply = useCallback((messages: LiveMessage<'worker.position'>[]) => feed.current?.push(messages), []);
  return { workers: state, applyWorkers: apply };
}
