import { useEffect, useMemo, useState } from 'react';
import type { IndicatorDefinition, IndicatorReport } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import { fetchIndicators } from '../api/supervision-api';
import { svText } from '../i18n/supervision-dictionary';
import { lastMonths } from '../state/period';
import { EChart } from './echart';

/**
 * The chosen indicator month by month over six months, one line per area of the highest level in
 * the viewer's scope (districts for the city, the street itself for a street office).
 */
export function TrendPanel({ indicator }: { indicator: string }) {
  const { lang } = useI18n();
  const [series, setSeries] = useState<{ months: string[]; reports: IndicatorReport[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    void (async () => {
      try {
        const months = lastMonths(6);
        let level: 'district' | 'street' | 'community' | 'grid' = 'district';
        for (const l of ['district', 'street', 'community', 'grid'] as const) {
          const probe = await fetchIndicators(l, months[months.length - 1]);
          level = l;
          if (probe.rows.length) break;
        }
        const reports = await Promise.all(months.map((m) => fetchIndicators(level, m)));
        if (alive) setSeries({ months: months.map((m) => m.label), reports });
      } catch (e) {
        if (alive) setError(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => {
      alive = false;
    };
  }, []);
  const option = useMemo(() => {
    if (!series) return null;
    const def: IndicatorDefinition | undefined = series.reports[series.reports.length - 1]?.indicators.find((f) => f.code === indicator);
    const names = new Map<string, string>();
    for (const r of series.reports) for (const row of r.rows) names.set(row.key, (lang === 'en' && row.nameEn) || row.name);
    const ratio = def?.unit === 'ratio';
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => (v === null || v === undefined ? '—' : ratio ? `${(v * 100).toFixed(1)}%` : v.toFixed(1)) },
      legend: { top: 0, textStyle: { color: '#cfd8e3' }, type: 'scroll' },
      grid: { left: 56, right: 24, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: series.months, axisLabel: { color: '#cfd8e3' } },
      yAxis: { type: 'value', axisLabel: { color: '#cfd8e3', formatter: ratio ? (v: number) => `${Math.round(v * 100)}%` : undefined }, splitLine: { lineStyle: { color: '#2a3b52' } } },
      series: [...names.entries()].map(([key, name]) => ({
        type: 'line',
        name,
        smooth: true,
        connectNulls: false,
        data: series.reports.map((r) => r.rows.find((x) => x.key === key)?.values[indicator] ?? null),
      })),
    };
  }, [series, indicator, lang]);
  return (
    <section className="panel sv-card sv-wide" data-testid="sv-trend">
      <h2>{svText(lang, 'sv.trend.title')}</h2>
      {error && <p className="error">{error}</p>}
      {!option && !error && <p className="muted">{svText(lang, 'sv.loading')}</p>}
      {option && <EChart option={option} className="sv-chart sv-chart-tall" />}
    </section>
  );
}
