import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { AreaDetail, AreaSummary, EventSummary, LiveMessage } from '@gc/contracts';
import { api } from '../../auth/api/http';
import { useCatalog } from '../../catalog/hooks/use-catalog';
import { errorText } from '../../i18n/error-text';
import type { ScreenProps } from '../routes';
import { CaseQueue } from '../../console/components/case-queue';
import { IntakeForm } from '../../console/components/intake-form';
import { OpenSummonsList } from '../../console/components/open-summonses';
import { useI18n } from '../../i18n/i18n-context';
import { useLive } from '../../live/hooks/use-live';
import { routeLive } from '../../live/live-handlers';
import type { WarningChange } from '../../supervision/state/supervision-live';
import { newWallBatch, WALL_LIVE } from '../state/wall-live';
import { eventsReducer, initialEventsState } from '../../events/state/events-store';
import type { FeatureCollection } from 'geojson';
import { fetchOnTime, fetchOpenEvents } from '../../events/api/events-api';
import type { OnTimeStats } from '@gc/contracts';
import { fetchAreaLabels } from '../../map/api/areas-api';
import { fetchPeopleCounts, fetchPoints, type PointLayer } from '../../map/api/registry-api';
import { POINT_COLORS, POINT_KINDS, type PointKind } from '../../map/state/map-style';
import { peopleStops } from '../../map/state/people-scale';
import { StatsPanel } from '../../events/components/stats-panel';
import { FeedPanel } from '../../events/components/feed-panel';
import { EventDetailPanel } from '../../events/components/event-detail';
import { FiltersBar } from '../../events/components/filters-bar';
import { WallMap, type FlyTarget, type LayerVisibility } from '../../map/components/wall-map';
import { AreaSearch } from '../../map/components/area-search';
import { LayerSwitches } from '../../map/components/layer-switches';
import { NO_FILTERS, type EventFilters } from '../../map/state/event-diff';
import { deriveViews, type WallViews } from '../state/wall-views';
import { bboxOf } from '@gc/geo';
import { ReplayBar } from '../../replay/components/replay-bar';
import { stateAt } from '../../replay/state/replay';
import { STATUS_COLORS } from '../../events/state/event-colors';
import type { Geometry } from 'geojson';
import { useWorkers } from '../../field/hooks/use-workers';
import { WorkerCard } from '../../field/components/worker-card';
import { WorkersLegend } from '../../field/components/workers-legend';
import { WallWarnings } from '../../supervision/components/wall-warnings';

/** The grid fill classes in the legend, calm to overdue (colours and labels share the key). */
const GRID_LEGEND = ['gridCalm', 'gridOpen', 'gridBusy', 'gridOverdue'] as const;

const FRESH_MS = 30_000;

/**
 * The wall (`/`, watch) and, with `console`, the operator's console: the case queue and the open
 * summonses beside the same live map, and the intake form for a phone or walk-in report.
 */
export function Wall({ session, onStatus, console: isConsole = false }: ScreenProps & { console?: boolean }) {
  const { t } = useI18n();
  const catalog = useCatalog();
  const canRegistry = session.user.permissions.includes('registry:read');
  // the intake form stays mounted (its draft kept) while the operator looks at a case; `intakeShown` is whether it is on screen
  const [intake, setIntake] = useState(false);
  const [intakeShown, setIntakeShown] = useState(false);
  const [pick, setPick] = useState<[number, number] | null>(null);
  // a case being placed also takes a map pick
  const [placing, setPlacing] = useState(false);
  const picking = intakeShown || placing;
  const [leftTab, setLeftTab] = useState<'queue' | 'summons'>('queue');
  const [summonsTick, setSummonsTick] = useState(0);
  const [snapshotLoaded, setSnapshotLoaded] = useState(false);
  const [state, dispatch] = useReducer(eventsReducer, initialEventsState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const [selected, setSelected] = useState<number | null>(null);
  const [filters, setFilters] = useState<EventFilters>(NO_FILTERS);
  const [layers, setLayers] = useState<LayerVisibility>({ grids: true, events: true, people: false, places: false, objects: false, organizations: false });
  const [flyTo, setFlyTo] = useState<FlyTarget | null>(null);
  const [stats, setStats] = useState<OnTimeStats | null>(null);
  const [people, setPeople] = useState<Record<string, number> | null>(null);
  const [labels, setLabels] = useState<FeatureCollection | null>(null);
  const [points, setPoints] = useState<Partial<Record<PointKind, PointLayer | 'loading' | 'failed'>>>({});
  const [errors, setErrors] = useState<string[]>([]);
  const [replayAt, setReplayAt] = useState<number | null>(null);
  const [replayChanges, setReplayChanges] = useState<LiveMessage[]>([]);
  const [now, setNow] = useState(() => new Date());

  const note = useCallback((m: string) => {
    console.warn(`wallmap: ${m}`);
    setErrors((e) => [m, ...e.filter((x) => x !== m)].slice(0, 3));
  }, []);

  // a published area version redraws grids: the map reloads its tiles and the wall reloads what is
  // attributed to grids (open cases' grids, people per grid, labels), with no page reload
  const [areasKey, setAreasKey] = useState(0);
  // grid workers' positions: for the command roles (positions are personal data)
  const { workers, applyWorkers } = useWorkers(session.user.permissions.includes('events:command'));
  const [worker, setWorker] = useState<number | null>(null);
  const [track, setTrack] = useState<Geometry | null>(null);
  // a worker clicked: their latest patrol's track drawn, and the map fitted to it
  const showTrack = useCallback((g: Geometry | null) => {
    setTrack(g);
    const b = bboxOf(g);
    if (b) setFlyTo({ bbox: b, key: Date.now() });
  }, []);
  // the early warnings panel hears the same live batches (one connection per screen)
  const warningListeners = useRef(new Set<(m: WarningChange[]) => void>());
  const subscribeWarnings = useCallback((l: (m: WarningChange[]) => void) => {
    warningListeners.current.add(l);
    return () => void warningListeners.current.delete(l);
  }, []);
  const apply = useCallback((messages: LiveMessage[]) => {
    const batch = routeLive(WALL_LIVE, messages, newWallBatch());
    dispatch({ type: 'live', batch, receivedAt: Date.now() });
    if (batch.warnings.length) for (const l of warningListeners.current) l(batch.warnings);
    if (batch.workers.length) applyWorkers(batch.workers);
    if (batch.areasRedrawn) setAreasKey((k) => k + 1);
    if (batch.summonsChanged) setSummonsTick((n) => n + 1);
  }, [applyWorkers]);
  const status = useLive(true, () => stateRef.current.lastSeq, apply);
  useEffect(() => onStatus(status), [status, onStatus]);
  useEffect(() => () => onStatus(null), [onStatus]);

  // first load: open cases, then the live stream catches up from the seq it started at
  useEffect(() => {
    let alive = true;
    void (async () => {
      try {
        const latest = (await api<{ latest: number }>('GET', '/api/changes?since=0&limit=1')).latest;
        const events = await fetchOpenEvents();
        if (alive) {
          dispatch({ type: 'snapshot', events, latest });
          setSnapshotLoaded(true);
        }
      } catch (e) {
        if (alive) note(errorText(t, e).text);
      }
    })();
    if (canRegistry) void fetchPeopleCounts().then((p) => alive && setPeople(p));
    void fetchAreaLabels().then((l) => alive && setLabels(l));
    // start on our territory: the first root area's extent
    void (async () => {
      try {
        const roots = await api<{ areas: AreaSummary[] }>('GET', '/api/areas?limit=1');
        if (!roots.areas[0]) return;
        const d = await api<AreaDetail>('GET', `/api/areas/${encodeURIComponent(roots.areas[0].code)}`);
        const b = bboxOf(d.geometry);
        if (alive && b) setFlyTo({ bbox: b, instant: true, key: Date.now() });
      } catch {
        /* no areas yet: the map stays on its default view */
      }
    })();
    return () => {
      alive = false;
    };
  }, [note, canRegistry]);

  useEffect(() => {
    if (areasKey === 0) return;
    let alive = true;
    void (async () => {
      try {
        const latest = (await api<{ latest: number }>('GET', '/api/changes?since=0&limit=1')).latest;
        const events = await fetchOpenEvents();
        if (alive) dispatch({ type: 'snapshot', events, latest });
      } catch (e) {
        if (alive) note(e instanceof Error ? e.message : String(e));
      }
    })();
    if (canRegistry) void fetchPeopleCounts().then((p) => alive && setPeople(p));
    void fetchAreaLabels().then((l) => alive && setLabels(l));
    return () => {
      alive = false;
    };
  }, [areasKey, note, canRegistry]);

  // server statistics when offered; refreshed with the clock
  useEffect(() => {
    let alive = true;
    const load = () => {
      const d = new Date();
      void fetchOnTime(new Date(d.getFullYear(), d.getMonth(), d.getDate())).then((s) => alive && setStats(s));
    };
    load();
    const h = setInterval(() => {
      load();
      setNow(new Date());
      dispatch({ type: 'expire-fresh', before: Date.now() - FRESH_MS });
    }, 10_000);
    return () => {
      alive = false;
      clearInterval(h);
    };
  }, []);

  const shown = useMemo(() => (replayAt === null ? state : stateAt(replayChanges, replayAt)), [state, replayAt, replayChanges]);
  // derived per changed event from the views of the previous render (a live batch never walks all events)
  const viewsRef = useRef<WallViews | null>(null);
  const views = useMemo(() => (viewsRef.current = deriveViews(viewsRef.current, shown.events, filters, now)), [shown.events, filters, now]);
  const { drawn, gridCounts, counts, categories, departments } = views;
  const loaded = shown.events.size;
  const onLoaded = useCallback((e: EventSummary) => dispatch({ type: 'event-loaded', event: e }), []);
  // the map's own messages are English and technical: the log keeps them, the screen says it in its language
  const mapError = useCallback((m: string) => {
    console.warn(`wallmap map: ${m}`);
    note(t('error.map'));
  }, [note, t]);
  const onPlacing = useCallback((on: boolean) => {
    setPlacing(on);
    if (on) setPick(null);
  }, []);
  // a case chosen in the queue or the summons list: selected on the map too, and brought into view
  const selectCase = useCallback((id: number) => {
    setSelected(id);
    setIntakeShown(false);
    const e = stateRef.current.events.get(id);
    if (e && e.lon !== null && e.lat !== null) setFlyTo({ center: [e.lon, e.lat], key: Date.now() });
  }, []);
  const peopleCounts = useMemo(() => people ?? {}, [people]);
  const peopleRange = useMemo(() => peopleStops(peopleCounts), [peopleCounts]);

  // registry points load the first time their layer is switched on
  useEffect(() => {
    for (const k of POINT_KINDS) {
      if (!layers[k] || points[k]) continue;
      setPoints((p) => ({ ...p, [k]: 'loading' }));
      void fetchPoints(k).then(
        (layer) => setPoints((p) => ({ ...p, [k]: layer })),
        (e: unknown) => {
          setPoints((p) => ({ ...p, [k]: 'failed' }));
          note(`${t(`layers.${k}`)}：${errorText(t, e).text}`);
        },
      );
    }
  }, [layers, points, note, t]);
  const pointData = useMemo(() => {
    const out: Partial<Record<PointKind, FeatureCollection>> = {};
    for (const k of POINT_KINDS) {
      const p = points[k];
      if (p && typeof p === 'object') out[k] = p.data;
    }
    return out;
  }, [points]);

  return (
    <div className="wall">
      <WallMap
        drawn={drawn}
        gridCounts={gridCounts}
        peopleCounts={peopleCounts}
        labels={labels}
        points={pointData}
        fresh={shown.fresh}
        selectedId={selected}
        layers={layers}
        flyTo={flyTo}
        areasKey={areasKey}
        onSelect={selectCase}
        onPick={picking ? setPick : undefined}
        pick={picking ? pick : null}
        onError={mapError}
        workers={workers.byId}
        track={track}
        onWorker={setWorker}
      />
      <aside className="side left">
        {isConsole ? (
          <>
            <div className="tabs" role="tablist">
              <button type="button" role="tab" aria-selected={leftTab === 'queue'} className={leftTab === 'queue' ? 'on' : ''} onClick={() => setLeftTab('queue')} data-testid="tab-queue">
                {t('queue.title')}
              </button>
              <button type="button" role="tab" aria-selected={leftTab === 'summons'} className={leftTab === 'summons' ? 'on' : ''} onClick={() => setLeftTab('summons')} data-testid="tab-summons">
                {t('summons.board')}
              </button>
              <button type="button" className="primary intake-open" data-testid="intake-open" onClick={() => {
                  setIntake(true);
                  setIntakeShown(true);
                }}
              >
                + {t('intake.open')}
              </button>
            </div>
            {leftTab === 'queue' ? (
              <CaseQueue events={shown.events} catalog={catalog} selectedId={selected} onSelect={selectCase} title={t('queue.title')} now={now} ready={snapshotLoaded} />
            ) : (
              <OpenSummonsList tick={summonsTick} catalog={catalog} onSelect={selectCase} />
            )}
          </>
        ) : (
          <>
            <StatsPanel local={counts} loaded={loaded} onTime={replayAt === null ? stats : null} />
            <WallWarnings ready={snapshotLoaded} canHandle={session.user.permissions.includes('events:supervise')} onError={note} subscribe={subscribeWarnings} />
            <FeedPanel feed={shown.feed} onSelect={setSelected} />
          </>
        )}
      </aside>
      <aside className="side right">
        <AreaSearch onFly={(bbox) => setFlyTo({ bbox, key: Date.now() })} />
        {worker !== null && workers.byId.get(worker) && (
          <WorkerCard
            worker={workers.byId.get(worker)!}
            onTrack={showTrack}
            onClose={() => {
              setWorker(null);
              setTrack(null);
            }}
          />
        )}
        {intake && (
          <IntakeForm
            hidden={!intakeShown}
            catalog={catalog}
            pick={pick}
            onPickClear={() => setPick(null)}
            onFly={(center) => setFlyTo({ center, key: Date.now() })}
            onClose={() => {
              setIntake(false);
              setIntakeShown(false);
              setPick(null);
            }}
            onOpenCase={(id) => {
              setIntake(false);
              setPick(null);
              selectCase(id);
            }}
          />
        )}
        {intakeShown ? null : selected !== null ? (
          <EventDetailPanel
            id={selected}
            summary={state.events.get(selected)}
            version={state.eventSeq.get(selected)}
            permissions={session.user.permissions}
            myDepartment={session.user.department}
            catalog={catalog}
            onClose={() => setSelected(null)}
            onLoaded={onLoaded}
            pick={placing ? pick : null}
            onPickMode={onPlacing}
          />
        ) : (
          <section className="panel detail empty">
            <h2>{t('detail.title')}</h2>
            <p className="muted">{t('detail.none')}</p>
          </section>
        )}
        {/* folded while a case or the intake form needs the height; the user can open it */}
        <details className="panel fold" key={intakeShown || selected !== null ? 'busy' : 'idle'} open={!(intakeShown || selected !== null)}>
          <summary>
            {t('filters.title')} · {t('layers.title')}
          </summary>
          <FiltersBar filters={filters} categories={categories} departments={departments} deptName={catalog.deptName} onChange={setFilters} />
          <LayerSwitches layers={layers} peopleAvailable={people !== null} registry={canRegistry} points={points} onChange={setLayers} />
        </details>
      </aside>
      <footer className="bottom">
        <ReplayBar at={replayAt} changes={replayChanges} onLoad={setReplayChanges} onScrub={setReplayAt} />
        <div className="legend">
          <span>
            <i className="dot" style={{ background: 'var(--c-normal)' }} />
            {t('urgency.normal')}
          </span>
          <span>
            <i className="dot" style={{ background: 'var(--c-urgent)' }} />
            {t('urgency.urgent')}
          </span>
          <span>
            <i className="dot" style={{ background: 'var(--c-critical)' }} />
            {t('urgency.critical')}
          </span>
          <span>
            <i className="dot ring" style={{ background: 'var(--c-overdue)' }} />
            {t('legend.overdue')}
          </span>
          {POINT_KINDS.filter((k) => layers[k]).map((k) => (
            <span key={k}>
              <i className="dot small" style={{ background: POINT_COLORS[k] }} />
              {t(`layers.${k}`)}
            </span>
          ))}
          <WorkersLegend workers={workers} />
          <span className="sep" />
          {layers.people && (
            <span data-testid="legend-people">
              <i className="ramp" />
              {t('legend.people')} {peopleRange[0]}–{peopleRange[2]}
            </span>
          )}
          {layers.grids &&
            !layers.people &&
            GRID_LEGEND.map((k) => (
              <span key={k}>
                <i className="swatch" style={{ background: STATUS_COLORS[k] }} />
                {t(`legend.${k}`)}
              </span>
            ))}
        </div>
        {errors.length > 0 && (
          <div className="errors" role="alert">
            {errors.join(' · ')}
          </div>
        )}
      </footer>
    </div>
  );
}
