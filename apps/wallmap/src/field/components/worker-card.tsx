import { useEffect, useState } from 'react';
import type { Geometry } from 'geojson';
import type { PatrolView, WorkerPositionData } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import { patrolsOf } from '../api/field-http';
import { WORKER_STATE_COLORS } from '../state/workers-map';
import { useLatest } from '../../shell/hooks/use-latest';

interface Props {
  worker: WorkerPositionData;
  onTrack(track: Geometry | null): void;
  onClose(): void;
}

/** A worker clicked on the wall: state, load, and their latest patrol's track (drawn on the map), duration and coverage. */
export function WorkerCard({ worker, onTrack, onClose }: Props) {
  const onTrackLatest = useLatest(onTrack);
  const { t, lang } = useI18n();
  const [patrol, setPatrol] = useState<PatrolView | null | 'none'>(null);
  useEffect(() => {
    let alive = true;
    patrolsOf(worker.workerId).then(
      (ps) => {
        if (!alive) return;
        setPatrol(ps[0] ?? 'none');
        onTrackLatest.current((ps[0]?.track as Geometry | null) ?? null);
      },
      () => alive && setPatrol('none'),
    );
    return () => {
      alive = false;
    };
    // the track is read once per click (an audited read), not on every position
  }, [worker.workerId, onTrackLatest]);
  return (
    <section className="panel worker-card" data-testid="worker-card">
      <h2>
        {worker.name}{' '}
        <span className="state-chip" style={{ background: WORKER_STATE_COLORS[worker.state] }}>
          {t(`workers.state.${worker.state}`)}
        </span>
      </h2>
      <p className="small muted">
        {new Date(worker.at).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false })} · {t('dispatch.load', { n: worker.openTasks })}
      </p>
      {patrol && patrol !== 'none' && (
        <p data-testid="worker-track">{t('workers.track', { name: worker.name, min: Math.round(patrol.durationS / 60), pct: patrol.coverage === null ? '—' : (patrol.coverage * 100).toFixed(1) })}</p>
      )}
      {patrol === 'none' && <p className="muted">{t('workers.noTrack', { name: worker.name })}</p>}
      <button type="button" onClick={onClose}>
        ✕
      </button>
    </section>
  );
}
