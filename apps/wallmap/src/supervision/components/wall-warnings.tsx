import { useCallback, useEffect, useReducer } from 'react';
import { fetchWarnings, handleWarning } from '../api/supervision-api';
import type { WarningChange } from '../state/supervision-live';
import { initialWarnings, warningsReducer } from '../state/warnings-store';
import { WarningsPanel } from './warnings-panel';
import '../supervision.css';

interface Props {
  /** the wall has read its snapshot at this seq: the list is read after it, live messages follow */
  ready: boolean;
  canHandle: boolean;
  onError(message: string): void;
  /** the wall hands its live batches here (one connection per screen) */
  subscribe(listener: (messages: WarningChange[]) => void): () => void;
}

/**
 * Early warnings on the wall (`/`): the open ones, each with why (its figures), live through
 * `warning.raised` / `warning.updated`; supervisors acknowledge or dismiss them here.
 */
export function WallWarnings({ ready, canHandle, onError, subscribe }: Props) {
  const [state, dispatch] = useReducer(warningsReducer, initialWarnings);
  useEffect(() => subscribe((messages) => dispatch({ type: 'live', messages })), [subscribe]);
  useEffect(() => {
    if (!ready) return;
    let alive = true;
    fetchWarnings()
      .then((items) => alive && dispatch({ type: 'loaded', items }))
      .catch((e: unknown) => alive && onError(e instanceof Error ? e.message : String(e)));
    return () => {
      alive = false;
    };
  }, [ready, onError]);
  const onHandle = useCallback(
    (id: number, status: 'acknowledged' | 'dismissed') => {
      handleWarning(id, status)
        .then((warning) => dispatch({ type: 'handled', warning }))
        .catch((e: unknown) => onError(e instanceof Error ? e.message : String(e)));
    },
    [onError],
  );
  return <WarningsPanel items={state.items} fresh={state.fresh} canHandle={canHandle} onHandle={onHandle} compact />;
}
