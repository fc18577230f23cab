import type { EventSummary, HotspotReport, IndicatorGrouping, IndicatorReport, SupervisionWarning } from '@gc/contracts';
import { api, fetchBlob } from '../../auth/api/http';

export interface Period {
  from: string;
  to: string;
}

const qs = (o: Record<string, string | undefined>) => new URLSearchParams(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined)).toString();

export const fetchIndicators = (groupBy: IndicatorGrouping, p: Period, attribution: 'then' | 'now' = 'then') => api<IndicatorReport>('GET', `/api/indicators?${qs({ groupBy, from: p.from, to: p.to, attribution })}`);

export const fetchWarnings = () => api<SupervisionWarning[]>('GET', '/api/warnings?limit=200');

export const handleWarning = (id: number, status: 'acknowledged' | 'dismissed') => api<SupervisionWarning>('POST', `/api/warnings/${id}/ack`, { status });

export const fetchHotspots = (p: Period, category?: string) => api<HotspotReport>('GET', `/api/hotspots?${qs({ from: p.from, to: p.to, category })}`);

/** Areas of one level in the viewer's scope, as GeoJSON (for the map). */
export const fetchAreaShapes = (level: string) => api<GeoJSON.FeatureCollection>('GET', `/api/areas/export?level=${encodeURIComponent(level)}`);

export const fetchAreaCases = (code: string, p: Period) => api<{ events: EventSummary[] }>('GET', `/api/events?${qs({ area: code, since: `${p.from}T00:00:00+08:00`, until: `${p.to}T23:59:59+08:00`, limit: '50' })}`);

/** The evaluation workbook, saved by the browser. */
export async function downloadWorkbook(p: Period): Promise<void> {
  const blob = await fetchBlob(`/api/indicators/export.xlsx?${qs({ from: p.from, to: p.to })}`);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `考核报表-${p.from}-${p.to}.xlsx`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
