import { useI18n } from '../../i18n/i18n-context';
import type { EventCounts } from '../state/events-store';
import type { EventStats } from '../api/events-api';

interface Props {
  local: EventCounts;
  loaded: number;
  server: EventStats | null;
}

/** Server statistics when the events module offers them; otherwise counts over what this screen loaded, and it says so. */
export function StatsPanel({ local, loaded, server }: Props) {
  const { t } = useI18n();
  const s = server
    ? {
        newToday: server.newToday ?? local.newToday,
        open: server.open ?? local.open,
        overdue: server.overdue ?? local.overdue,
        closed: server.closedToday ?? server.closed ?? local.closed,
        onTimeRate: server.onTimeRate !== undefined ? server.onTimeRate : local.onTimeRate,
      }
    : local;
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
      <p className="muted small">{server ? t('stats.server') : t('stats.local', { n: loaded })}</p>
    </section>
  );
}
