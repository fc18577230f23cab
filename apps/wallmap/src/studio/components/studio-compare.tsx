import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AreaHistoryReport, AreaSummary, CaseCountsReport, VersionCompareReport } from '@gc/contracts';
import type { FeatureCollection } from 'geojson';
import { bboxOf } from '@gc/geo';
import { errorText } from '../../i18n/error-text';
import { useI18n } from '../../i18n/i18n-context';
import { studioApi } from '../api/studio-api';
import { CHANGE_COLOURS } from '../state/compare-style';
import { CaseCountsPanel, CompareChanges } from './compare-panels';
import { CompareMap } from './compare-map';

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
const DAY = 86400_000;
/** A Shanghai calendar day (the facts' calendar), `back` days before today. */
const shanghaiDay = (back = 0) => new Date(Date.now() + 8 * 3600_000 - back * DAY).toISOString().slice(0, 10);
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }) : '');

/**
 * The studio's compare view (版本对比): pick an area, see the versions it went through, compare any
 * two on the map (added green, removed red, reshaped orange, the earlier border dashed) with the list
 * of changes, and the cases of a period by grid as then and as now.
 */
export function StudioCompare({ onBack }: { onBack(): void }) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [typed, setTyped] = useState(false);
  const [found, setFound] = useState<AreaSummary[]>([]);
  const [area, setArea] = useState<{ code: string; name: string } | null>(null);
  const [history, setHistory] = useState<AreaHistoryReport | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [period, setPeriod] = useState({ from: shanghaiDay(89), to: shanghaiDay() });
  const [report, setReport] = useState<VersionCompareReport | null>(null);
  const [counts, setCounts] = useState<CaseCountsReport | null>(null);
  const [fit, setFit] = useState<[number, number, number, number] | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const fail = useCallback((e: unknown) => setMessage(errorText(t, e).text), [t]);

  useEffect(() => {
    if (!typed || !query.trim()) return setFound([]);
    const h = setTimeout(() => void studioApi.searchAreas(query.trim()).then(setFound, fail), 250);
    return () => clearTimeout(h);
  }, [query, typed, fail]);

  const run = useCallback(
    async (code: string, f: number, tv: number, p: { from: string; to: string }) => {
      setBusy(true);
      setMessage(null);
      try {
        const [r, c] = await Promise.all([studioApi.compare(f, tv, code), studioApi.caseCounts(code, p.from, p.to)]);
        setReport(r);
        setCounts(c);
      } catch (e) {
        fail(e);
      } finally {
        setBusy(false);
      }
    },
    [fail],
  );

  const pick = async (a: AreaSummary) => {
    try {
      setFound([]);
      setTyped(false);
      setQuery(a.name);
      setArea({ code: a.code, name: a.name });
      setReport(null);
      setCounts(null);
      const [h, detail] = await Promise.all([studioApi.history(a.code), studioApi.parent(a.code)]);
      setHistory(h);
      const b = bboxOf(detail.geometry);
      if (b) setFit(b);
      // the newest version against the one before it
      const vs = h.versions.filter((v) => v.status !== 'discarded');
      const [tv, fv] = [vs[0]?.id ?? null, (vs[1] ?? vs[0])?.id ?? null];
      setTo(tv);
      setFrom(fv);
      if (tv !== null && fv !== null) await run(a.code, fv, tv, period);
    } catch (e) {
      fail(e);
    }
  };

  const versions = useMemo(() => (history?.versions ?? []).filter((v) => v.status !== 'discarded'), [history]);
  const label = (v: AreaHistoryReport['versions'][number]) =>
    `#${v.id} ${v.label ?? ''} · ${t(`cmp.status.${v.status}`)} ${when(v.publishedAt ?? v.createdAt)} · ${Object.entries(v.levels)
      .map(([l, n]) => `${t(`level.${l}`)} ${n}`)
      .join('、')}${v.replacedAt ? ` · ${t('cmp.replaced', { at: when(v.replacedAt) })}` : v.status === 'published' ? ` · ${t('cmp.current')}` : ''}`;

  return (
    <div className="studio compare" data-testid="compare" data-area={area?.code ?? ''} data-busy={busy ? '1' : '0'}>
      <CompareMap features={(report?.features as FeatureCollection | undefined) ?? EMPTY} fit={fit} />
      <header className="top-bar studio-bar">
        <h1>{t('cmp.title')}</h1>
        <div className="studio-open">
          <input placeholder={t('cmp.search')} value={query} onChange={(e) => (setTyped(true), setQuery(e.target.value))} data-testid="compare-search" />
          {found.length > 0 && (
            <ul className="studio-found">
              {found.map((a) => (
                <li key={a.code}>
                  <button type="button" onClick={() => void pick(a)} data-testid={`compare-pick-${a.code}`}>
                    {a.name} <span className="muted">{t(`level.${a.level}`)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <button type="button" onClick={onBack} data-testid="compare-back">
          {t('cmp.back')}
        </button>
      </header>
      <aside className="side left studio-tools">
        {!area && <p className="panel">{t('cmp.pick')}</p>}
        {area && history && (
          <section className="panel compare-controls">
            <h2>
              {area.name} <span className="muted">{t('cmp.history', { n: versions.length })}</span>
            </h2>
            {versions.length < 2 && <p className="muted">{t('cmp.noVersions')}</p>}
            <label className="stack">
              {t('cmp.from')}
              <select value={from ?? ''} onChange={(e) => setFrom(Number(e.target.value))} data-testid="compare-from">
                {versions.map((v) => (
                  <option key={v.id} value={v.id}>
                    {label(v)}
                  </option>
                ))}
              </select>
            </label>
            <label className="stack">
              {t('cmp.to')}
              <select value={to ?? ''} onChange={(e) => setTo(Number(e.target.value))} data-testid="compare-to">
                {versions.map((v) => (
                  <option key={v.id} value={v.id}>
                    {label(v)}
                  </option>
                ))}
              </select>
            </label>
            <div className="row">
              {t('cmp.period')}
              <input type="date" value={period.from} max={period.to} onChange={(e) => setPeriod({ ...period, from: e.target.value })} data-testid="compare-period-from" />–
              <input type="date" value={period.to} min={period.from} onChange={(e) => setPeriod({ ...period, to: e.target.value })} data-testid="compare-period-to" />
            </div>
            <button type="button" className="primary" disabled={busy || from === null || to === null} onClick={() => from !== null && to !== null && void run(area.code, from, to, period)} data-testid="compare-run">
              {t('cmp.run')}
            </button>
            <ul className="compare-legend">
              {(['added', 'removed', 'reshaped'] as const).map((c) => (
                <li key={c}>
                  <i style={{ background: CHANGE_COLOURS[c] }} /> {t(`cmp.${c}`)}
                </li>
              ))}
              <li>
                <i className="dashed" style={{ borderColor: CHANGE_COLOURS.reshaped }} /> {t('cmp.legend.from')}
              </li>
              <li>
                <i className="outline" style={{ borderColor: CHANGE_COLOURS.unchanged }} /> {t('cmp.unchanged')}
              </li>
            </ul>
          </section>
        )}
        {message && (
          <p className="why" role="alert" data-testid="compare-message">
            {message}
          </p>
        )}
      </aside>
      {(report || counts) && (
        <aside className="side right studio-checks">
          {report && <CompareChanges report={report} />}
          {counts && <CaseCountsPanel counts={counts} />}
        </aside>
      )}
    </div>
  );
}
