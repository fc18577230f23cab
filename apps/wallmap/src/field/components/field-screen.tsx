import { useEffect, useMemo, useState } from 'react';
import type { AreaDetail } from '@gc/contracts';
import { api } from '../../auth/api/http';
import { useCatalog } from '../../catalog/hooks/use-catalog';
import { useI18n } from '../../i18n/i18n-context';
import { useCases } from '../../inbox/hooks/use-cases';
import type { ScreenProps } from '../../shell/routes';
import type { OutboxItem } from '../state/outbox';
import { flushOutbox, onOutbox } from '../state/outbox-sender';
import { registerFieldWorker } from '../state/service-worker';
import type { Fix } from '../state/positions-buffer';
import { FieldMap } from './field-map';
import { FieldTasks } from './field-tasks';
import { OutboxList } from './outbox-list';
import { PatrolPanel } from './patrol-panel';
import { ReportForm } from './report-form';
import { VisitForm } from './visit-form';
import './field.css';

const TABS = ['tasks', 'report', 'patrol', 'visit', 'outbox'] as const;
type Tab = (typeof TABS)[number];
const RETRY_MS = 20_000;
const CLOSED = new Set(['closed', 'evaluated', 'rejected', 'voided', 'self_handled']);

/** The grid worker's phone (`/field`, 360×800): my tasks, my grid and position, report, patrol, visits, and what waits to be sent. */
export function FieldScreen(props: ScreenProps) {
  const { t } = useI18n();
  const catalog = useCatalog();
  const [tab, setTab] = useState<Tab>('tasks');
  const [online, setOnline] = useState(navigator.onLine);
  const [waiting, setWaiting] = useState<OutboxItem[]>([]);
  const [grid, setGrid] = useState<AreaDetail | null>(null);
  const [fix, setFix] = useState<Fix | null>(null);
  const [pick, setPick] = useState<[number, number] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { state, status } = useCases(() => setError(t('field.loadFailed')));
  const { onStatus } = props;
  useEffect(() => onStatus(status), [status, onStatus]);

  useEffect(() => onOutbox(setWaiting), []);
  useEffect(registerFieldWorker, []);
  useEffect(() => {
    const up = () => {
      setOnline(true);
      void flushOutbox();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    const timer = setInterval(() => void flushOutbox(), RETRY_MS);
    void flushOutbox();
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
      clearInterval(timer);
    };
  }, []);

  // My grid: the jurisdiction of a grid worker's account.
  const code = props.session.user.jurisdiction;
  useEffect(() => {
    if (code === '*') return;
    api<AreaDetail>('GET', `/api/areas/${encodeURIComponent(code)}`).then(setGrid, () => undefined);
  }, [code]);

  // GPS while the screen is open (the patrol batches read the latest fix).
  useEffect(() => {
    if (!('geolocation' in navigator)) return;
    const id = navigator.geolocation.watchPosition(
      (p) => setFix({ at: new Date(p.timestamp).toISOString(), lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy ?? null }),
      () => undefined,
      { enableHighAccuracy: true, maximumAge: 5000 },
    );
    return () => navigator.geolocation.clearWatch(id);
  }, []);

  const tasks = useMemo(
    () =>
      [...state.events.values()]
        .filter((e) => !CLOSED.has(e.state))
        .sort((a, b) => (a.dueAt ?? '9').localeCompare(b.dueAt ?? '9')),
    [state.events],
  );
  const me: [number, number] | null = fix ? [fix.lon, fix.lat] : null;
  const pending = waiting.filter((w) => !w.refused).length;

  return (
    <div className="field-screen" data-testid="field-screen">
      <div className="field-status">
        <span className={online ? 'ok' : 'warn'} data-testid="field-online">
          {online ? t('field.online') : t('field.offline')}
        </span>
        <button type="button" onClick={() => setTab('outbox')} data-testid="field-waiting" data-count={pending}>
          {t('field.waiting', { n: pending })}
        </button>
      </div>
      {error && <p className="error">{error}</p>}
      <FieldMap grid={grid} me={me} pick={pick} tasks={tasks} onPick={(p) => setPick(p)} />
      <nav className="field-tabs">
        {TABS.map((x) => (
          <button key={x} type="button" className={tab === x ? 'active' : ''} onClick={() => setTab(x)} data-tab={x}>
            {t(`field.tab.${x}`)}
          </button>
        ))}
      </nav>
      <div className="field-body">
        {tab === 'tasks' && <FieldTasks tasks={tasks} catalog={catalog} />}
        {tab === 'report' && <ReportForm catalog={catalog} pick={pick} gps={me} onUseGps={() => setPick(null)} onDone={() => setTab('outbox')} />}
        {/* kept mounted on the other tabs: a running patrol keeps sending its positions */}
        <div hidden={tab !== 'patrol'}>
          <PatrolPanel fix={fix} />
        </div>
        {tab === 'visit' && <VisitForm onDone={() => setTab('outbox')} />}
        {tab === 'outbox' && <OutboxList items={waiting} />}
      </div>
    </div>
  );
}
