import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import { flushSync } from 'react-dom';
import type { AreaSummary, BalanceMetric, BalanceReport, ImpactReport, RepairReport, TopologyReport } from '@gc/contracts';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { bboxOf } from '@gc/geo';
import { ApiError } from '../../auth/api/http';
import { errorText } from '../../i18n/error-text';
import type { ScreenProps } from '../../shell/routes';
import { useI18n } from '../../i18n/i18n-context';
import { studioApi } from '../api/studio-api';
import { canEdit, emptyHistory, historyReducer, insertedVertex, movedVertex, withVertexMoved, type DraftState, type Edit, type Why } from '../state/draft-edits';
import { paintProbe } from '../state/paint-probe';
import { FindingsLayer } from '../state/findings-layer';
import { PROBLEMS } from '../state/studio-style';
import { BalancePanel, ImpactPanel, RepairPanel, ValidationPanel } from './studio-panels';
import { StudioCompare } from './studio-compare';
import { StudioMap, type Tool } from './studio-map';
import './studio.css';

type Stage = 'idle' | 'saving' | 'checking' | 'publishing' | 'done' | 'failed';
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
const PROBLEM_KINDS = ['overlaps', 'gaps', 'outsideParent', 'slivers'] as const;

/** The findings of a topology answer as one collection, each with its kind (the map colours by it). */
const findingsOf = (t: TopologyReport): FeatureCollection => ({
  type: 'FeatureCollection',
  features: PROBLEM_KINDS.flatMap((k) => t[k].features.map((f) => ({ ...f, properties: { ...f.properties, kind: k } }))) as FeatureCollection['features'],
});

/**
 * The grid studio (analysts, administrators): open a draft of one area's children, edit it with
 * pure actions (undo/redo), see the server's topology check and the balance after every edit,
 * repair, propose, preview the impact and publish.
 */
export function Studio({ session }: Pick<ScreenProps, 'session'>) {
  const { t } = useI18n();
  const [h, dispatch] = useReducer(historyReducer, emptyHistory());
  const [versionId, setVersionId] = useState<number | null>(null);
  const [parent, setParent] = useState<Feature<MultiPolygon> | null>(null);
  const [query, setQuery] = useState('');
  const [parentName, setParentName] = useState('');
  // search only what the analyst types (not the name filled in after opening)
  const [typed, setTyped] = useState(false);
  const [found, setFound] = useState<AreaSummary[]>([]);
  const [tool, setTool] = useState<Tool>('select');
  const [selected, setSelected] = useState<string[]>([]);
  const [topo, setTopo] = useState<TopologyReport | null>(null);
  const [balance, setBalance] = useState<BalanceReport | null>(null);
  const [metric, setMetric] = useState<BalanceMetric>('households');
  const [target, setTarget] = useState({ min: 300, max: 500 });
  const [impact, setImpact] = useState<ImpactReport | null>(null);
  const [repair, setRepair] = useState<RepairReport | null>(null);
  const [stage, setStage] = useState<Stage>('idle');
  const [message, setMessage] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [fit, setFit] = useState<[number, number, number, number] | null>(null);
  const [gridsN, setGridsN] = useState(3);
  const [rev, setRev] = useState(0);
  const allowed = session.user.roles.some((r) => r === 'analyst' || r === 'admin');
  // the compare view (版本对比) replaces the editor while open; the draft stays as it was
  const [comparing, setComparing] = useState(false);

  // said in the screen's language (the server's code and message go to the console); an outdated draft says what changed
  const fail = useCallback(
    (e: unknown) => {
      const d = e instanceof ApiError && e.code === 'VERSION_OUTDATED' ? (e.details as { added?: unknown[]; removed?: unknown[]; reshaped?: unknown[] } | null) : null;
      setMessage(
        d
          ? t('studio.outdated', { added: d.added?.length ?? 0, removed: d.removed?.length ?? 0, reshaped: d.reshaped?.length ?? 0 })
          : e instanceof ApiError || e instanceof TypeError
            ? errorText(t, e).text
            : String(e instanceof Error ? e.message : e),
      );
    },
    [t],
  );
  /** A grid's name from the draft as it is or was in this session (the code only for one never seen). */
  const nameOf = useCallback(
    (code: string | null) => {
      if (code === null) return '—';
      for (const st of [h.present, ...[...h.past].reverse()]) {
        const a = st.areas.find((x) => x.code === code);
        if (a) return a.name;
      }
      return code;
    },
    [h.present, h.past],
  );
  const why = (w: Why | 'selectTwo' | 'selectOne') => (w ? t(`studio.why.${w}`) : '');

  useEffect(() => {
    if (!typed || !query.trim()) return setFound([]);
    const h = setTimeout(() => void studioApi.searchParents(query.trim()).then(setFound, fail), 250);
    return () => clearTimeout(h);
  }, [query, typed, fail]);

  const open = useCallback(
    async (parentCode: string, make: () => Promise<{ versionId: number }>) => {
      try {
        setMessage(null);
        setImpact(null);
        setRepair(null);
        setStage('idle');
        const [{ versionId: v }, p] = await Promise.all([make(), studioApi.parent(parentCode)]);
        const state = await studioApi.load(v, parentCode);
        // the parent's outline travels with the draft: vertices on it stay on it, edits may not leave it
        dispatch({ type: 'load', state: { ...state, parent: p.geometry } });
        setVersionId(v);
        setParent({ type: 'Feature', properties: { code: p.code }, geometry: p.geometry });
        setSelected([]);
        const b = bboxOf(p.geometry);
        if (b) setFit(b);
        setFound([]);
        setTyped(false);
        setQuery(p.name);
        setParentName(p.name);
      } catch (e) {
        fail(e);
      }
    },
    [fail],
  );

  // the findings go to the map's own layer at once (drawn in its next frame), the summary to the panel
  const [findings] = useState(() => new FindingsLayer(PROBLEMS));
  const show = useCallback(
    (t: TopologyReport) => {
      // when the answer arrived: the panel and the map report when they show it (bench/studio-validation)
      paintProbe.answered();
      // the panel rendered and committed now, not in a later task the browser may put after its frames
      flushSync(() => setTopo(t));
      findings.set(findingsOf(t));
    },
    [findings],
  );

  const refreshChecks = useCallback(
    async (v: number, save: boolean) => {
      setChecking(true);
      try {
        const topology = save ? (await studioApi.save(v, h.present)).topology : null;
        if (topology) show(topology);
        setBalance(await studioApi.balance(v, target.min, target.max));
      } catch (e) {
        fail(e);
      } finally {
        setChecking(false);
      }
    },
    [h.present, target, fail, show],
  );

  // after every edit (and on load): save the draft, the server checks topology, then balance
  useEffect(() => {
    if (versionId === null) return;
    setImpact(null);
    const handle = setTimeout(() => void refreshChecks(versionId, true), 200);
    return () => clearTimeout(handle);
  }, [versionId, h.present, refreshChecks]);

  const pickOne = useCallback((c: string) => setSelected([c]), []);

  const edit = (e: Edit) => {
    const w = canEdit(h.present, e);
    if (w) return setMessage(why(w));
    setMessage(null);
    dispatch(e);
    if (e.type === 'merge' || e.type === 'delete') setSelected([]);
  };

  const onLine = (line: Position[]) => {
    const targets = selected.length ? selected : h.present.areas.map((a) => a.code);
    const code = targets.find((c) => canEdit(h.present, { type: 'split', code: c, line }) === null);
    if (!code) return setMessage(why('lineMustCross'));
    edit({ type: 'split', code, line });
    setTool('select');
  };

  // the one grid in terra-draw: again whenever its geometry changes (a drag kept, undo, redo), and
  // after each drag (rev), when terra-draw must hold the draft's geometry again (a refused edit put back)
  const reshapeArea = tool === 'reshape' && selected.length === 1 ? h.present.areas.find((x) => x.code === selected[0]) : undefined;
  const reshapeGeometry = reshapeArea?.geometry;
  const reshapeTarget = useMemo(
    () => (reshapeGeometry?.type === 'Polygon' ? ({ type: 'Feature', properties: {}, geometry: reshapeGeometry } as Feature<Polygon>) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rev: a new target after every drag, even one that changed nothing
    [reshapeGeometry, rev],
  );

  const onReshaped = (g: Polygon) => {
    const a = reshapeArea;
    if (!a) return;
    const moved = movedVertex(a.geometry, g);
    const inserted = moved ? null : insertedVertex(a.geometry, g);
    // a vertex dragged or put on an edge is the same for every grid that shares it; anything else reshapes this grid alone
    edit(moved ? { type: 'move-vertex', ...moved } : inserted ? { type: 'insert-vertex', ...inserted } : { type: 'reshape', code: a.code, geometry: g });
    setRev((r) => r + 1);
  };

  const values = useMemo(() => {
    const byCode = new Map((balance?.grids ?? []).map((g) => [g.code, g[metric]]));
    const vs = [...byCode.values()];
    const [lo, hi] = [Math.min(...vs), Math.max(...vs)];
    return { byCode, lo, hi };
  }, [balance, metric]);

  // the draft as the map draws it: name and the chosen metric as label, the metric (0–1) as colour
  const toFc = useCallback(
    (areas: DraftState['areas']): FeatureCollection => ({
      type: 'FeatureCollection',
      features: areas.map((a) => {
        const v = values.byCode.get(a.code);
        return {
          type: 'Feature',
          properties: {
            code: a.code,
            name: a.name,
            label: v === undefined ? a.name : `${a.name}\n${metric === 'compactness' ? v.toFixed(2) : v}`,
            v: v === undefined || values.hi === values.lo ? 0.5 : (v - values.lo) / (values.hi - values.lo),
          },
          geometry: a.geometry,
        };
      }),
    }),
    [values, metric],
  );
  const draftFc = useMemo(() => toFc(h.present.areas), [toFc, h.present.areas]);

  /** While a vertex is dragged: every grid that has it follows on the map (the edit itself waits for the drop). */
  const onReshaping = (g: Polygon): FeatureCollection | null => {
    const moved = reshapeArea && movedVertex(reshapeArea.geometry, g);
    return moved ? toFc(withVertexMoved(h.present, moved.from, moved.to).areas) : null;
  };
  const overlay = useMemo<FeatureCollection>(
    () =>
      repair
        ? { type: 'FeatureCollection', features: repair.changes.map((c) => ({ type: 'Feature', properties: { change: c.action }, geometry: c.geometry })) as FeatureCollection['features'] }
        : impact
          ? (impact.diff as FeatureCollection)
          : EMPTY,
    [repair, impact],
  );

  const publish = async () => {
    if (versionId === null) return;
    try {
      setMessage(null);
      setStage('saving');
      const saved = await studioApi.save(versionId, h.present);
      setStage('checking');
      show(saved.topology);
      if (saved.topology.summary.blocking) throw new Error(t('studio.v.overlaps'));
      setStage('publishing');
      const r = await studioApi.publish(versionId, true);
      setStage('done');
      setMessage(t('studio.publish.done', { added: r.added, closed: r.closed, kept: r.kept }));
    } catch (e) {
      setStage('failed');
      fail(e);
    }
  };

  if (!allowed) return <div className="studio forbidden">{t('studio.forbidden')}</div>;
  if (comparing) return <StudioCompare onBack={() => setComparing(false)} />;
  const sel = selected.map((c) => h.present.areas.find((a) => a.code === c)).filter((a) => a !== undefined);
  const mergeWhy: Why | 'selectTwo' = selected.length === 2 ? canEdit(h.present, { type: 'merge', codes: [selected[0], selected[1]] }) : 'selectTwo';
  const oneWhy = selected.length === 1 ? null : 'selectOne';
  const draftOpen = versionId !== null;
  return (
    <div className="studio" data-testid="studio" data-version={versionId ?? ''} data-areas={h.present.areas.length}>
      <StudioMap
        draft={draftFc}
        parent={parent}
        findings={findings}
        overlay={overlay}
        selected={selected}
        tool={tool}
        reshape={reshapeTarget}
        fit={fit}
        onPick={(code, add) => setSelected((s) => (!code ? [] : add ? (s.includes(code) ? s.filter((x) => x !== code) : [...s.slice(-1), code]) : [code]))}
        onLine={onLine}
        onPolygon={(g) => edit({ type: 'add', geometry: g })}
        onReshaping={onReshaping}
        onReshaped={onReshaped}
      />
      <header className="top-bar studio-bar">
        <h1>{t('studio.title')}</h1>
        <div className="studio-open">
          <input placeholder={t('studio.search')} value={query} onChange={(e) => (setTyped(true), setQuery(e.target.value))} data-testid="studio-search" />
          {found.length > 0 && (
            <ul className="studio-found">
              {found.map((a) => (
                <li key={a.code}>
                  <button type="button" onClick={() => void open(a.code, () => studioApi.createDraft(a.code))} data-testid={`studio-open-${a.code}`}>
                    {a.name} <span className="muted">{t(`level.${a.level}`)}</span>
                  </button>
                  <button type="button" onClick={() => void open(a.code, () => studioApi.propose(a.code, gridsN))} title={t('studio.propose')}>
                    {t('studio.propose')} ×{gridsN}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <label>
            {t('studio.gridsN')} <input type="number" min={1} max={200} value={gridsN} onChange={(e) => setGridsN(Math.max(1, Number(e.target.value)))} className="narrow" />
          </label>
        </div>
        {draftOpen && <span className="muted">{t('studio.draft', { id: versionId })}</span>}
        <button type="button" onClick={() => setComparing(true)} data-testid="studio-compare">
          {t('cmp.open')}
        </button>
        <a href="/" className="muted">
          {t('studio.back')}
        </a>
      </header>
      <aside className="side left studio-tools">
        {!draftOpen && <p className="panel">{t('studio.none')}</p>}
        {draftOpen && (
          <section className="panel">
            <div className="toolbar" role="toolbar">
              {(['select', 'split', 'reshape', 'draw'] as const).map((k) => {
                const disabled = k === 'reshape' && !!oneWhy;
                return (
                  <button key={k} type="button" className={tool === k ? 'on' : ''} disabled={disabled} title={disabled ? why(oneWhy) : t(`studio.hint.${k}`)} onClick={() => setTool(k)} data-testid={`studio-tool-${k}`}>
                    {t(`studio.tool.${k}`)}
                  </button>
                );
              })}
            </div>
            <p className="muted hint">{t(`studio.hint.${tool}`)}</p>
            <div className="toolbar">
              <button type="button" disabled={!!mergeWhy} title={mergeWhy ? why(mergeWhy) : ''} onClick={() => edit({ type: 'merge', codes: [selected[0], selected[1]] })} data-testid="studio-merge">
                {t('studio.merge')}
              </button>
              <button type="button" disabled={!!oneWhy} title={oneWhy ? why(oneWhy) : ''} onClick={() => edit({ type: 'delete', code: selected[0] })} data-testid="studio-delete">
                {t('studio.delete')}
              </button>
              <button type="button" disabled={!h.past.length} onClick={() => dispatch({ type: 'undo' })} data-testid="studio-undo">
                {t('studio.undo')}
              </button>
              <button type="button" disabled={!h.future.length} onClick={() => dispatch({ type: 'redo' })} data-testid="studio-redo">
                {t('studio.redo')}
              </button>
            </div>
            {mergeWhy && selected.length > 0 && <p className="why">{why(mergeWhy)}</p>}
            {sel.length === 1 && (
              <form
                className="rename"
                onSubmit={(e) => {
                  e.preventDefault();
                  const f = new FormData(e.currentTarget);
                  edit({ type: 'rename', code: sel[0].code, name: String(f.get('name')), newCode: String(f.get('code')) });
                  setSelected([String(f.get('code'))]);
                }}
                key={sel[0].code}
              >
                <label>
                  {t('studio.code')} <input name="code" defaultValue={sel[0].code} />
                </label>
                <label>
                  {t('studio.name')} <input name="name" defaultValue={sel[0].name} />
                </label>
                <button type="submit">{t('studio.rename')}</button>
              </form>
            )}
            {sel.length > 0 && <p className="muted">{t('studio.selected', { names: sel.map((a) => a.name).join('、') })}</p>}
            <div className="toolbar">
              <button type="button" onClick={() => versionId !== null && void studioApi.repair(versionId, false).then(setRepair, fail)} data-testid="studio-repair-preview">
                {t('studio.repair.preview')}
              </button>
              <button type="button" onClick={() => versionId !== null && void studioApi.impact(versionId).then((i) => (setRepair(null), setImpact(i)), fail)} data-testid="studio-impact-btn">
                {t('studio.impact')}
              </button>
              <button type="button" className="primary" disabled={stage === 'saving' || stage === 'checking' || stage === 'publishing' || stage === 'done'} onClick={() => void publish()} data-testid="studio-publish">
                {t('studio.publish')}
              </button>
            </div>
            {stage !== 'idle' && stage !== 'failed' && (
              <p className={`stage stage-${stage}`} data-testid="studio-stage" data-stage={stage}>
                {stage === 'done' ? message : t(`studio.publish.${stage}`)}
              </p>
            )}
          </section>
        )}
        {repair && (
          <RepairPanel
            report={repair}
            nameOf={nameOf}
            onDiscard={() => setRepair(null)}
            onKeep={() =>
              versionId !== null &&
              void studioApi
                .repair(versionId, true)
                .then(() => studioApi.load(versionId, h.present.parentCode))
                .then((s) => {
                  setRepair(null);
                  dispatch({ type: 'load', state: s });
                }, fail)
            }
          />
        )}
        {impact && <ImpactPanel impact={impact} nameOf={nameOf} />}
        {message && stage !== 'done' && (
          <p className="why" role="alert" data-testid="studio-message">
            {message}
          </p>
        )}
      </aside>
      {draftOpen && (
        <aside className="side right studio-checks">
          <ValidationPanel topo={topo} busy={checking} />
          <BalancePanel balance={balance} metric={metric} target={target} selected={selected} parentName={parentName} onMetric={setMetric} onTarget={setTarget} onPick={pickOne} />
        </aside>
      )}
    </div>
  );
}
