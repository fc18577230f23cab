import { useEffect, useMemo, useState } from 'react';
import type { EventSummary, IndicatorReport } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import { fetchAreaCases, fetchAreaShapes, fetchIndicators, type Period } from '../api/supervision-api';
import { svText, type SvKey } from '../i18n/supervision-dictionary';
import { formatValue, lowerIsBetter } from '../state/ranking';
import { echarts, EChart } from './echart';

const LEVELS = ['district', 'street', 'community', 'grid'] as const;
type Level = (typeof LEVELS)[number];

interface Props {
  period: Period;
  attribution: 'then' | 'now';
  indicator: string;
}

/**
 * The territory coloured by an indicator at one level (ECharts map over the areas' GeoJSON), with
 * drill-down district → street → community → grid; a grid's click lists its cases of the period.
 */
export function IndicatorMap({ period, attribution, indicator }: Props) {
  const { lang } = useI18n();
  const s = (k: SvKey, v?: Record<string, string | number>) => svText(lang, k, v);
  const [level, setLevel] = useState<Level | null>(null);
  const [parent, setParent] = useState<string | null>(null);
  const [shapes, setShapes] = useState<Partial<Record<Level, GeoJSON.FeatureCollection>>>({});
  const [report, setReport] = useState<IndicatorReport | null>(null);
  const [cases, setCases] = useState<{ name: string; events: EventSummary[] } | null>(null);
  const [error, setError] = useState<string | null>(null);

  // the top level with areas in the viewer's scope
  useEffect(() => {
    let alive = true;
    void (async () => {
      try {
        // start where there is something to compare: the first level with two areas or more
        let last: Level | null = null;
        for (const l of LEVELS) {
          const fc = await fetchAreaShapes(l);
          if (!alive) return;
          setShapes((x) => ({ ...x, [l]: fc }));
          if (fc.features.length) last = l;
          if (fc.features.length > 1) break;
        }
        setLevel(last);
      } catch (e) {
        if (alive) setError(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => {
      alive = false;
    };
  }, []);

  useEffect(() => {
    if (!level) return;
    let alive = true;
    if (!shapes[level]) void fetchAreaShapes(level).then((fc) => alive && setShapes((x) => ({ ...x, [level]: fc })));
    setReport(null);
    void fetchIndicators(level, period, attribution)
      .then((r) => alive && setReport(r))
      .catch((e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      alive = false;
    };
  }, [level, period, attribution, shapes]);

  const mapName = level ? `sv-${level}-${parent ?? 'all'}` : null;
  const option = useMemo(() => {
    const fc = level ? shapes[level] : undefined;
    if (!level || !fc || !report || !mapName) return null;
    const features = fc.features.filter((f) => !parent || String(f.properties?.path ?? '').startsWith(`${parent}.`));
    echarts.registerMap(mapName, { type: 'FeatureCollection', features } as never);
    const def = report.indicators.find((f) => f.code === indicator);
    const names = new Map(features.map((f) => [String(f.properties?.path), String(f.properties?.name)]));
    const data = report.rows.filter((r) => names.has(r.key)).map((r) => ({ name: r.key, value: r.values[indicator] }));
    const values = data.map((d) => d.value).filter((v): v is number => v !== null);
    const lower = lowerIsBetter(indicator);
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string; value: number }) =>
          `${names.get(p.name) ?? p.name}<br/>${def ? (lang === 'en' ? def.nameEn : def.name) : indicator}: ${formatValue(def, Number.isFinite(p.value) ? p.value : null)}`,
      },
      visualMap: {
        min: values.length ? Math.min(...values) : 0,
        max: values.length ? Math.max(...values, Math.min(...values) + 1e-9) : 1,
        left: 8,
        bottom: 8,
        calculable: true,
        textStyle: { color: '#cfd8e3' },
        inRange: { color: lower ? ['#2e7d32', '#f9a825', '#c62828'] : ['#c62828', '#f9a825', '#2e7d32'] },
        formatter: (v: number) => formatValue(def, v),
      },
      series: [
        {
          type: 'map',
          map: mapName,
          nameProperty: 'path',
          roam: true,
          label: { show: features.length <= 40, color: '#fff', formatter: (p: { name: string }) => names.get(p.name) ?? '' },
          itemStyle: { areaColor: '#24344d', borderColor: '#8fa3bf', borderWidth: 0.6 },
          emphasis: { label: { show: true, color: '#fff' }, itemStyle: { areaColor: '#3d6fb6' } },
          data,
        },
      ],
    };
  }, [level, parent, shapes, report, indicator, lang, mapName]);

  const click = (p: { name: string }) => {
    if (!level) return;
    const i = LEVELS.indexOf(level);
    if (i < LEVELS.length - 1) {
      setParent(p.name);
      setLevel(LEVELS[i + 1]);
      setCases(null);
      return;
    }
    const code = p.name.split('.').pop()!;
    const name = report?.rows.find((r) => r.key === p.name)?.name ?? code;
    void fetchAreaCases(code, period).then((r) => setCases({ name, events: r.events }));
  };
  const up = () => {
    if (!level || !parent) return;
    const i = LEVELS.indexOf(level);
    const p = parent.split('.').slice(0, -1).join('.');
    setLevel(LEVELS[i - 1]);
    setParent(p || null);
    setCases(null);
  };

  return (
    <section className="panel sv-card sv-wide sv-map-card" data-testid="sv-map">
      <h2>
        {level && `${s('sv.map.level')}：${s(`sv.level.${level}` as SvKey)}`}{' '}
        {parent && (
          <button type="button" onClick={up} data-testid="sv-map-up">
            {s('sv.map.up')}
          </button>
        )}
        <span className="muted small"> {s('sv.map.clickHint')}</span>
      </h2>
      {error && <p className="error">{error}</p>}
      <div className="sv-map-body">
        {option ? <EChart option={option} onClick={click} className="sv-chart sv-chart-map" testId="sv-map-chart" /> : <p className="muted">{s('sv.loading')}</p>}
        {cases && (
          <aside className="sv-cases" data-testid="sv-cases">
            <h3>
              {cases.name} · {s('sv.map.cases')} ({cases.events.length})
            </h3>
            <ol>
              {cases.events.map((e) => (
                <li key={e.id}>
                  <b>{e.categoryName}</b> {e.title}
                </li>
              ))}
            </ol>
          </aside>
        )}
      </div>
    </section>
  );
}
