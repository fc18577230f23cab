import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { IndicatorGrouping, IndicatorReport, LiveMessage } from '@gc/contracts';
import { api } from '../../auth/api/http';
import { useI18n } from '../../i18n/i18n-context';
import { useLive } from '../../live/hooks/use-live';
import { routeLive } from '../../live/live-handlers';
import type { ScreenProps } from '../../shell/routes';
import { downloadWorkbook, fetchIndicators, fetchWarnings, handleWarning, type Period } from '../api/supervision-api';
import { svText, type SvKey } from '../i18n/supervision-dictionary';
import { presetPeriod, PRESETS, type Preset } from '../state/period';
import { newSupervisionBatch, SUPERVISION_LIVE } from '../state/supervision-live';
import { initialWarnings, warningsReducer } from '../state/warnings-store';
import { HotspotsPanel } from './hotspots-panel';
import { PatrolsPanel } from './patrols-panel';
import { IndicatorMap } from './indicator-map';
import { RankingPanel } from './ranking-panel';
import { ReportPage } from './report-page';
import { TrendPanel } from './trend-panel';
import { WarningsPanel } from './warnings-panel';
import '../supervision.css';

const TABS = ['ranking', 'trend', 'map', 'hotspots', 'patrols', 'report'] as const;
type Tab = (typeof TABS)[number];
const RANKED: [IndicatorGrouping, SvKey][] = [
  ['street', 'sv.rank.street'],
  ['department', 'sv.rank.department'],
  ['worker', 'sv.rank.worker'],
];

/** The supervisor's screen (/supervision): rankings, trend, indicator map, hotspots, report, and live warnings. */
export function SupervisionPage({ session, onStatus }: ScreenProps) {
  const { lang } = useI18n();
  const s = (k: SvKey, v?: Record<string, string | number>) => svText(lang, k, v);
  const [preset, setPreset] = useState<Preset | null>('last30');
  const [period, setPeriod] = useState<Period>(() => presetPeriod('last30'));
  const [attribution, setAttribution] = useState<'then' | 'now'>('then');
  const [indicator, setIndicator] = useState('closure_rate');
  const [tab, setTab] = useState<Tab>('ranking');
  const [reports, setReports] = useState<Partial<Record<IndicatorGrouping, IndicatorReport>>>({});
  const [error, setError] = useState<string | null>(null);
  const [warnings, dispatch] = useReducer(warningsReducer, initialWarnings);
  const lastSeq = useRef(0);
  const [liveReady, setLiveReady] = useState(false);
  const [scopeName, setScopeName] = useState<string>('');
  useEffect(() => {
    const code = session.user.jurisdiction;
    if (code === '*') return setScopeName(lang === 'en' ? 'Whole territory' : '全辖区');
    void api<{ name: string }>('GET', `/api/areas/${encodeURIComponent(code)}`)
      .then((a) => setScopeName(a.name))
      .catch(() => setScopeName(code));
  }, [session.user.jurisdiction, lang]);

  useEffect(() => {
    let alive = true;
    setReports({});
    for (const g of [...RANKED.map(([x]) => x), 'district', 'community'] as const) {
      fetchIndicators(g, period, attribution)
        .then((r) => alive && setReports((x) => ({ ...x, [g]: r })))
        .catch((e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)));
    }
    return () => {
      alive = false;
    };
  }, [period, attribution]);

  // warnings: the list, then live from the seq it was read at (warning.raised / warning.updated)
  useEffect(() => {
    void (async () => {
      try {
        lastSeq.current = (await api<{ latest: number }>('GET', '/api/changes?since=0&limit=1')).latest;
        dispatch({ type: 'loaded', items: await fetchWarnings() });
        setLiveReady(true);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    })();
  }, []);
  const apply = useCallback((m: LiveMessage[]) => {
    const batch = routeLive(SUPERVISION_LIVE, m, newSupervisionBatch());
    lastSeq.current = Math.max(lastSeq.current, batch.seq);
    if (batch.warnings.length) dispatch({ type: 'live', messages: batch.warnings });
  }, []);
  const status = useLive(liveReady, () => lastSeq.current, apply);
  // the shell's top bar shows this screen's live connection
  useEffect(() => onStatus(status), [status, onStatus]);
  useEffect(() => () => onStatus(null), [onStatus]);

  const onHandle = (id: number, st: 'acknowledged' | 'dismissed') => {
    handleWarning(id, st)
      .then((w) => dispatch({ type: 'handled', warning: w }))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  const choose = (p: Preset) => {
    setPreset(p);
    setPeriod(presetPeriod(p));
  };
  const defs = reports.street?.indicators ?? reports.department?.indicators ?? [];
  const canHandle = session.user.permissions.includes('events:supervise');

  return (
    <div className="sv-page" data-testid="supervision">
      <nav className="sv-toolbar">
        <strong>{s('sv.title')}</strong>
        <span>{s('sv.period')}</span>
        {PRESETS.map((p) => (
          <button key={p} type="button" className={preset === p ? 'active' : ''} onClick={() => choose(p)} data-testid={`sv-period-${p}`}>
            {s(`sv.${p}` as SvKey)}
          </button>
        ))}
        <label>
          {s('sv.from')} <input type="date" value={period.from} max={period.to} onChange={(e) => e.target.value && (setPreset(null), setPeriod({ ...period, from: e.target.value }))} />
        </label>
        <label>
          {s('sv.to')} <input type="date" value={period.to} min={period.from} onChange={(e) => e.target.value && (setPreset(null), setPeriod({ ...period, to: e.target.value }))} />
        </label>
        <label>
          {s('sv.attribution')}{' '}
          <select value={attribution} onChange={(e) => setAttribution(e.target.value as 'then' | 'now')}>
            <option value="then">{s('sv.then')}</option>
            <option value="now">{s('sv.now')}</option>
          </select>
        </label>
        <label>
          {s('sv.indicator')}{' '}
          <select value={indicator} onChange={(e) => setIndicator(e.target.value)} data-testid="sv-indicator">
            {defs.map((f) => (
              <option key={f.code} value={f.code}>
                {lang === 'en' ? f.nameEn : f.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void downloadWorkbook(period).catch((e: unknown) => setError(String(e)))}>
          {s('sv.export')}
        </button>
      </nav>
      <nav className="sv-tabs">
        {TABS.map((x) => (
          <button key={x} type="button" className={tab === x ? 'active' : ''} onClick={() => setTab(x)} data-testid={`sv-tab-${x}`}>
            {s(`sv.tab.${x}` as SvKey)}
          </button>
        ))}
        {tab === 'report' && (
          <button type="button" onClick={() => window.print()}>
            {s('sv.print')}
          </button>
        )}
      </nav>
      {error && <p className="error sv-error">{error}</p>}
      <main className="sv-main">
        <div className="sv-content">
          {tab === 'ranking' && RANKED.map(([g, title]) => <RankingPanel key={g} title={title} report={reports[g] ?? null} indicator={indicator} testId={`sv-rank-${g}`} />)}
          {tab === 'trend' && <TrendPanel indicator={indicator} />}
          {tab === 'map' && <IndicatorMap period={period} attribution={attribution} indicator={indicator} />}
          {tab === 'hotspots' && <HotspotsPanel period={period} />}
          {tab === 'patrols' && <PatrolsPanel period={period} />}
          {tab === 'report' && (
            <ReportPage
              scope={scopeName}
              reports={[
                { title: s('sv.level.district'), report: reports.district ?? null },
                { title: s('sv.rank.street'), report: reports.street ?? null },
                { title: s('sv.level.community'), report: reports.community ?? null },
                { title: s('sv.rank.department'), report: reports.department ?? null },
              ]}
            />
          )}
        </div>
        <WarningsPanel items={warnings.items} fresh={warnings.fresh} canHandle={canHandle} onHandle={onHandle} />
      </main>
    </div>
  );
}
