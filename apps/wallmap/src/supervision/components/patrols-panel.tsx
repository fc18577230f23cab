import { useEffect, useState } from 'react';
import type { PatrolSummary } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import { errorText } from '../../i18n/error-text';
import { patrolSummary } from '../../field/api/field-http';
import type { Period } from '../api/supervision-api';

/** Figures change as workers patrol; no live message carries them to a supervisor, so the tab reads them again every minute. */
const REFRESH_MS = 60_000;

/** 巡查: patrol time, track length and 50 m coverage over the period, by worker and by grid (GET /api/patrols/summary). */
export function PatrolsPanel({ period }: { period: Period }) {
  const { t, lang } = useI18n();
  const [data, setData] = useState<Partial<Record<'worker' | 'grid', PatrolSummary>>>({});
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    // the period's days in the screen's time zone, the last one to its end
    const from = new Date(`${period.from}T00:00:00`).toISOString();
    const to = new Date(`${period.to}T23:59:59.999`).toISOString();
    const load = () => {
      for (const g of ['worker', 'grid'] as const) {
        patrolSummary(from, to, g).then(
          (r) => alive && (setData((d) => ({ ...d, [g]: r })), setError(null)),
          (e: unknown) => alive && setError(errorText(t, e).text),
        );
      }
    };
    load();
    const h = setInterval(load, REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(h);
    };
  }, [period, t]);
  const hours = (s: number) => `${Math.floor(s / 3600)}:${String(Math.round((s % 3600) / 60)).padStart(2, '0')}`;
  const table = (g: 'worker' | 'grid') => {
    const r = data[g];
    return (
      <table className="sv-rank sv-patrols" data-testid={`sv-patrols-${g}`}>
        <caption>{t(`patrols.by.${g}`)}</caption>
        <thead>
          <tr>
            <th>{t(g === 'worker' ? 'patrols.worker' : 'patrols.grid')}</th>
            <th>{t('patrols.count')}</th>
            {g === 'grid' && <th>{t('patrols.workers')}</th>}
            <th>{t('patrols.time')}</th>
            <th>{t('patrols.length')}</th>
            <th>{t('patrols.coverage')}</th>
          </tr>
        </thead>
        <tbody>
          {!r && (
            <tr>
              <td colSpan={6} className="muted">
                {t('patrols.loading')}
              </td>
            </tr>
          )}
          {r && r.rows.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                {t('patrols.none')}
              </td>
            </tr>
          )}
          {r?.rows.map((row) => (
            <tr key={row.key} data-key={row.key}>
              <td>{row.name}</td>
              <td className="num">{row.patrols}</td>
              {g === 'grid' && <td className="num">{row.workers}</td>}
              <td className="num">{hours(row.seconds)}</td>
              <td className="num">{(row.lengthM / 1000).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: 1 })}</td>
              <td className="num">{row.coverage === null ? '—' : `${(row.coverage * 100).toFixed(1)}%`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  };
  return (
    <section className="sv-panel" data-testid="sv-patrols">
      {error && <p className="error">{error}</p>}
      <p className="muted small">{t('patrols.hint')}</p>
      <div className="sv-rank-pair">
        {table('worker')}
        {table('grid')}
      </div>
    </section>
  );
}
