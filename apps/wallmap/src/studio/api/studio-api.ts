import type {
  AreaDetail,
  AreaHistoryReport,
  AreaSummary,
  BalanceReport,
  CaseCountsReport,
  VersionCompareReport,
  DraftFeaturesResponse,
  DraftResponse,
  ImpactReport,
  ProposalResponse,
  PublishResponse,
  RepairReport,
} from '@gc/contracts';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { api } from '../../auth/api/http';
import type { DraftArea, DraftState } from '../state/draft-edits';

/** The studio's calls to the areas API (all need areas:write: analysts and administrators). */
export const studioApi = {
  searchParents: (q: string) => api<{ areas: AreaSummary[] }>('GET', `/api/areas?q=${encodeURIComponent(q)}&limit=20`).then((r) => r.areas.filter((a) => ['street', 'community', 'grid'].includes(a.level))),
  /** areas with versions to compare: districts down to grids (their micro-grids come with them) */
  searchAreas: (q: string) => api<{ areas: AreaSummary[] }>('GET', `/api/areas?q=${encodeURIComponent(q)}&limit=20`).then((r) => r.areas.filter((a) => ['district', 'street', 'community', 'grid'].includes(a.level))),
  parent: (code: string) => api<AreaDetail>('GET', `/api/areas/${encodeURIComponent(code)}`),
  createDraft: (parentCode: string) => api<DraftResponse>('POST', '/api/areas/drafts', { parentCode }),
  propose: (parentCode: string, grids: number) => api<ProposalResponse>('POST', '/api/areas/proposals', { parentCode, grids }),
  async load(versionId: number, parentCode: string): Promise<DraftState> {
    const fc = await api<FeatureCollection<Polygon | MultiPolygon, { code: string; name: string }>>('GET', `/api/areas/export?version=${versionId}`);
    // one-part MultiPolygons (as areas are stored) become Polygons, which the vertex editor takes
    const simple = (g: Polygon | MultiPolygon): Polygon | MultiPolygon => (g.type === 'MultiPolygon' && g.coordinates.length === 1 ? { type: 'Polygon', coordinates: g.coordinates[0] } : g);
    return { parentCode, areas: fc.features.map((f): DraftArea => ({ code: f.properties.code, name: f.properties.name, geometry: simple(f.geometry) })) };
  },
  save: (versionId: number, s: DraftState) =>
    api<DraftFeaturesResponse>('PUT', `/api/areas/versions/${versionId}/features`, {
      type: 'FeatureCollection',
      features: s.areas.map((a) => ({ type: 'Feature', properties: { code: a.code, name: a.name }, geometry: a.geometry })),
    }),
  balance: (versionId: number, min: number, max: number) => api<BalanceReport>('GET', `/api/areas/versions/${versionId}/balance?min=${min}&max=${max}`),
  impact: (versionId: number) => api<ImpactReport>('GET', `/api/areas/versions/${versionId}/impact`),
  repair: (versionId: number, apply: boolean) => api<RepairReport>('POST', `/api/areas/versions/${versionId}/repair`, { apply }),
  history: (code: string) => api<AreaHistoryReport>('GET', `/api/areas/versions/history?code=${encodeURIComponent(code)}`),
  compare: (from: number, to: number, parentCode: string) => api<VersionCompareReport>('GET', `/api/areas/versions/compare?from=${from}&to=${to}&parentCode=${encodeURIComponent(parentCode)}`),
  caseCounts: (parentCode: string, from: string, to: string) => api<CaseCountsReport>('GET', `/api/areas/case-counts?parentCode=${encodeURIComponent(parentCode)}&from=${from}&to=${to}`),
  publish: (versionId: number, acknowledgeGaps: boolean) => api<PublishResponse>('POST', `/api/areas/versions/${versionId}/publish`, { acknowledgeGaps }),
};
