import { useI18n } from '../../i18n/i18n-context';
import type { LayerVisibility } from './wall-map';

interface Props {
  layers: LayerVisibility;
  peopleAvailable: boolean | null;
  onChange(l: LayerVisibility): void;
}

/** Places, objects and organizations have no per-grid or point endpoint for the wall yet: shown, but marked. */
const NOT_WIRED = ['places', 'objects', 'organizations'] as const;

export function LayerSwitches({ layers, peopleAvailable, onChange }: Props) {
  const { t } = useI18n();
  const toggle = (k: keyof LayerVisibility) => (
    <label className="check" key={k}>
      <input type="checkbox" checked={layers[k]} disabled={k === 'people' && peopleAvailable === false} onChange={(e) => onChange({ ...layers, [k]: e.target.checked })} />
      {t(`layers.${k}`)}
      {k === 'people' && peopleAvailable === false && <span className="muted small"> ({t('layers.unavailable')})</span>}
    </label>
  );
  return (
    <section className="panel layers" data-testid="layers">
      <h2>{t('layers.title')}</h2>
      {toggle('grids')}
      {toggle('events')}
      {toggle('people')}
      {NOT_WIRED.map((k) => (
        <label className="check" key={k}>
          <input type="checkbox" disabled />
          {t(`layers.${k}`)} <span className="muted small">({t('layers.unavailable')})</span>
        </label>
      ))}
    </section>
  );
}
