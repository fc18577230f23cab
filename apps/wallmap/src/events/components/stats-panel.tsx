import { useI18n } from '../../i18n/i18n-context';
import type { EventCounts } from '../state/events-store';
import type { OnTimeStats } from '@gc/contracts';

interface Props {
  local: EventCounts;
  loaded: number;
  onTime: OnTimeStats | null;
}

/**
 * Counts over what this screen loaded (all open cases, plus what arrived live), and it says so;
 * the on-time rate is the server's (GET /api/events/on-time since midnight) when it answers.
 */
export function StatsPanel({ local, loaded, onTime }: Props) {
  const { t } = useI18n();
  const s = { ...local, onTimeRate: onTime ? onTime.rate : local.onTimeRate };
  const rate = s.onTimeRate === null || s.onTimeRate === undefined ? '—' : `${Math.round(s.onTimeRate * 1000) / 10}%`;
  return (
    <section className="panel stats" data-testid="stats">
      <h2>{t('stats.title')}</h2>
      <div className="stat-grid">
        <div className="stat">
          <span>{t('stats.new')}</span>
          <b data-testid="stat-new">{s.newToday}</b>
        </div>
        <div className="stat">
          <span>{t('stats.open')}</span>
          <b data-testid="stat-open">{s.open}</b>
        </div>
        <div className="stat overdue">
          <span>{t('stats.overdue')}</span>
          <b data-testid="stat-overdue">{s.overdue}</b>
        </div>
        <div className="stat">
          <span>{t('stats.closed')}</span>
          <b data-testid="stat-closed">{s.closed}</b>
        </div>
        <div className="stat wide">
          <span>{t('stats.onTime')}</span>
          <b data-testid="stat-ontime">{rate}</b>
        </div>
      </div>
      <p className="muted small">
        {t('stats.local', { n: loaded })}
        {onTime && ` · ${t('stats.onTime')}: ${t('stats.server')}`}
      </p>
    </section>
  );
}
