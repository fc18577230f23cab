import { useEffect, useMemo, useState } from 'react';
import type { HotspotReport } from '@gc/contracts';
import { api } from '../../auth/api/http';
import { useI18n } from '../../i18n/i18n-context';
import { fetchHotspots, type Period } from '../api/supervision-api';
import { svText } from '../i18n/supervision-dictionary';
import { echarts, EChart } from './echart';

interface Category {
  code: string;
  name: string;
  nameEn: string;
  group: string | null;
}

/** Where problems cluster: today's grids coloured by Gi* z (blue cold, red hot), the significant ones listed. */
export function HotspotsPanel({ period }: { period: Period }) {
  const { lang } = useI18n();
  const [category, setCategory] = useState('');
  const [categories, setCategories] = useState<Category[]>([]);
  const [report, setReport] = useState<HotspotReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api<{ categories: Category[] }>('GET', '/api/event-categories')
      .then((r) => setCategories(r.categories))
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    let alive = true;
    setReport(null);
    fetchHotspots(period, category || undefined)
      .then((r) => alive && setReport(r))
      .catch((e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      alive = false;
    };
  }, [period, category]);
  const option = useMemo(() => {
    if (!report) return null;
    const features = report.cells.map((c) => ({ type: 'Feature', properties: { name: c.path, label: c.name }, geometry: c.geometry }));
    echarts.registerMap('sv-hotspots', { type: 'FeatureCollection', features } as never);
    const byPath = new Map(report.cells.map((c) => [c.path, c]));
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string }) => {
          const c = byPath.get(p.name);
          return c ? `${c.name}<br/>${svText(lang, 'sv.hot.count')}: ${c.count}<br/>z: ${c.z ?? '—'}` : p.name;
        },
      },
      visualMap: { min: -3, max: 3, left: 8, bottom: 8, calculable: true, text: ['z +3', '-3'], textStyle: { color: '#cfd8e3' }, inRange: { color: ['#1565c0', '#eceff1', '#c62828'] } },
      series: [{ type: 'map', map: 'sv-hotspots', roam: true, itemStyle: { borderColor: '#5b6b82', borderWidth: 0.3 }, data: report.cells.map((c) => ({ name: c.path, value: c.z ?? 0 })) }],
    };
  }, [report, lang]);
  const hot = report?.cells.filter((c) => c.hot) ?? [];
  const leaves = categories.filter((c) => c.group !== null);
  return (
    <section className="panel sv-card sv-wide" data-testid="sv-hotspots">
      <h2>
        {svText(lang, 'sv.hot.title', { z: report?.threshold ?? 1.96 })}{' '}
        <select value={category} onChange={(e) => setCategory(e.target.value)} aria-label={svText(lang, 'sv.hot.category')}>
          <option value="">{svText(lang, 'sv.hot.all')}</option>
          {leaves.map((c) => (
            <option key={c.code} value={c.code}>
              {lang === 'en' ? c.nameEn : c.name}
            </option>
          ))}
        </select>
      </h2>
      {error && <p className="error">{error}</p>}
      <div className="sv-map-body">
        {option ? <EChart option={option} className="sv-chart sv-chart-map" /> : <p className="muted">{svText(lang, 'sv.loading')}</p>}
        {report && (
          <aside className="sv-cases">
            {hot.length === 0 && <p className="muted">{svText(lang, 'sv.hot.none')}</p>}
            <ol>
              {hot.slice(0, 20).map((c) => (
                <li key={c.code}>
                  <b>{c.name}</b> {svText(lang, 'sv.hot.count')} {c.count} · z {c.z}
                </li>
              ))}
            </ol>
          </aside>
        )}
      </div>
    </section>
  );
}
