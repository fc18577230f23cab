import { WORKER_STATES } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import { WORKER_STATE_COLORS } from '../state/workers-map';
import type { WorkersState } from '../state/workers-store';

/** The workers layer's legend: how many workers are in each state now (the layer's colours). */
export function WorkersLegend({ workers }: { workers: WorkersState }) {
  const { t } = useI18n();
  if (!workers.byId.size) return null;
  const n: Record<string, number> = {};
  for (const w of workers.byId.values()) n[w.state] = (n[w.state] ?? 0) + 1;
  return (
    <span className="workers-legend" data-testid="workers-legend">
      {t('workers.layer')}
      {WORKER_STATES.map((s) => (
        <span key={s} data-state={s} data-count={n[s] ?? 0}>
          <i className="dot" style={{ background: WORKER_STATE_COLORS[s] }} />
          {t(`workers.state.${s}`)} {n[s] ?? 0}
        </span>
      ))}
    </span>
  );
}
