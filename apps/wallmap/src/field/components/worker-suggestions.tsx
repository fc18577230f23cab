import { useEffect, useState } from 'react';
import type { WorkerSuggestion } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import { suggestWorkers } from '../api/field-http';
import { WORKER_STATE_COLORS } from '../state/workers-map';

interface Props {
  lon: number | null;
  lat: number | null;
  gridCode: string | null;
  value: number | null;
  onChange(id: number | null): void;
}

/** In the dispatch control: the grid's own staff first, then the nearest available workers, with distance and load; the operator picks one. */
export function WorkerSuggestions({ lon, lat, gridCode, value, onChange }: Props) {
  const { t } = useI18n();
  const [workers, setWorkers] = useState<WorkerSuggestion[] | null>(null);
  useEffect(() => {
    if (lon === null || lat === null) return;
    let alive = true;
    suggestWorkers(lon, lat, gridCode).then(
      (w) => alive && setWorkers(w),
      () => alive && setWorkers([]),
    );
    return () => {
      alive = false;
    };
  }, [lon, lat, gridCode]);
  if (lon === null || lat === null || workers === null) return null;
  return (
    <fieldset className="worker-suggestions" data-testid="worker-suggestions">
      <legend>{t('dispatch.suggest')}</legend>
      {workers.length === 0 && <p className="muted small">{t('dispatch.suggestNone')}</p>}
      {workers.map((w) => (
        <label key={w.id} className="check" data-worker-id={w.id}>
          <input type="radio" name="assignee" checked={value === w.id} onChange={() => onChange(w.id)} />
          <span>{w.name}</span>
          {w.gridStaff && <span className="small">（{t('dispatch.staff')}）</span>}
          <span className="small" style={{ color: WORKER_STATE_COLORS[w.state] }}>
            {t(`workers.state.${w.state}`)}
          </span>
          {w.distanceM !== null && <span className="muted small">{t('dispatch.distance', { m: Math.round(w.distanceM) })}</span>}
          <span className="muted small">{t('dispatch.load', { n: w.openTasks })}</span>
        </label>
      ))}
    </fieldset>
  );
}
