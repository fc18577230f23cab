import { useI18n } from '../../i18n/i18n-context';
import type { PointLayer } from '../api/registry-api';
import { POINT_KINDS, type PointKind } from '../state/map-style';
import type { LayerVisibility } from './wall-map';

interface Props {
  layers: LayerVisibility;
  peopleAvailable: boolean;
  /** the registry layers (people, places, objects, organizations) are offered only to roles that may read the registry */
  registry: boolean;
  points: Partial<Record<PointKind, PointLayer | 'loading' | 'failed'>>;
  onChange(l: LayerVisibility): void;
}

/** Grid cases, events, people per grid (counts only), and the registry's places, objects and organizations as points. */
export function LayerSwitches({ layers, peopleAvailable, registry, points, onChange }: Props) {
  const { t } = useI18n();
  const pointNote = (k: PointKind) => {
    const p = points[k];
    if (p === 'loading') return t('layers.loading');
    if (p === 'failed') return t('layers.unavailable');
    if (p) return `${p.data.features.length.toLocaleString()}${p.truncated ? ` (${t('layers.truncated')})` : ''}`;
    return null;
  };
  const toggle = (k: keyof LayerVisibility, disabled = false, extra: string | null = null) => (
    <label className="check" key={k}>
      <input type="checkbox" checked={layers[k]} disabled={disabled} onChange={(e) => onChange({ ...layers, [k]: e.target.checked })} />
      {t(`layers.${k}`)}
      {extra && <span className="muted small"> {extra}</span>}
    </label>
  );
  return (
    <section className="panel layers" data-testid="layers">
      <h2>{t('layers.title')}</h2>
      {toggle('grids')}
      {toggle('events')}
      {registry && toggle('people', !peopleAvailable, peopleAvailable ? t('layers.perGrid') : `(${t('layers.unavailable')})`)}
      {registry && POINT_KINDS.map((k) => toggle(k, points[k] === 'failed', pointNote(k)))}
    </section>
  );
}
