import { useEffect, useRef, useState } from 'react';
import type { PatrolView } from '@gc/contracts';
import { ApiError } from '../../auth/api/http';
import { useI18n } from '../../i18n/i18n-context';
import { errorText } from '../../i18n/error-text';
import { endPatrol, myPatrols, startPatrol } from '../api/field-http';
import { newKey } from '../state/outbox';
import { enqueue } from '../state/outbox-sender';
import { addFix, batches, type Fix } from '../state/positions-buffer';

/** Batches leave the phone every 15 s (the issue asks for 10–30 s). */
export const BATCH_MS = 15_000;

interface Props {
  /** the latest GPS fix (the screen watches the position) */
  fix: Fix | null;
}

/** Start / stop a patrol (巡查); while on patrol the fixes go out in batches through the outbox (kept when offline). */
export function PatrolPanel({ fix }: Props) {
  const { t, lang } = useI18n();
  const [patrol, setPatrol] = useState<PatrolView | null>(null);
  const [recent, setRecent] = useState<PatrolView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const buffer = useRef<Fix[]>([]);

  const reload = () =>
    myPatrols().then(
      (ps) => {
        setRecent(ps);
        setPatrol(ps.find((p) => p.endedAt === null) ?? null);
      },
      () => undefined,
    );
  useEffect(() => {
    void reload();
  }, []);

  useEffect(() => {
    if (patrol && fix) buffer.current = addFix(buffer.current, fix);
  }, [patrol, fix]);

  const flush = async () => {
    const all = buffer.current;
    buffer.current = [];
    for (const positions of batches(all)) {
      await enqueue({ key: newKey('positions'), kind: 'positions', url: '/api/field/positions', body: { positions }, label: `${positions.length}`, createdAt: Date.now(), attempts: 0 });
    }
  };

  useEffect(() => {
    if (!patrol) return;
    const timer = setInterval(() => void flush(), BATCH_MS);
    return () => clearInterval(timer);
  }, [patrol]);

  const toggle = async () => {
    setError(null);
    try {
      if (patrol) {
        await flush();
        await endPatrol(patrol.id);
      } else {
        await startPatrol();
        // the first fix right after the start (so it belongs to the patrol's track), so the wall sees the worker at once
        if (fix) await enqueue({ key: newKey('positions'), kind: 'positions', url: '/api/field/positions', body: { positions: [{ ...fix, at: new Date().toISOString() }] }, label: '1', createdAt: Date.now(), attempts: 0 });
      }
      await reload();
    } catch (e) {
      setError(e instanceof ApiError ? errorText(t, e).text : t('field.offlineAction'));
    }
  };

  const minutes = (s: number) => Math.round(s / 60);
  return (
    <section className="field-patrol" data-testid="patrol-panel">
      <button type="button" className={patrol ? 'danger' : 'primary'} onClick={() => void toggle()} data-testid="patrol-toggle">
        {patrol ? t('field.patrol.stop') : t('field.patrol.start')}
      </button>
      {patrol && <p data-testid="patrol-running">{t('field.patrol.running', { since: new Date(patrol.startedAt).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false }) })}</p>}
      {!fix && <p className="muted small">{t('field.patrol.noGps')}</p>}
      {error && <p className="error">{error}</p>}
      <h3>{t('field.patrol.recent')}</h3>
      <ul>
        {recent.map((p) => (
          <li key={p.id}>
            {new Date(p.startedAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false })} · {t('field.patrol.minutes', { n: minutes(p.durationS) })} ·{' '}
            {t('field.patrol.coverage', { pct: p.coverage === null ? '—' : (p.coverage * 100).toFixed(1) })}
          </li>
        ))}
      </ul>
    </section>
  );
}
