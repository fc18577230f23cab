import { useI18n } from '../../i18n/i18n-context';
import type { FeedEntry } from '../state/events-store';

interface Props {
  feed: FeedEntry[];
  onSelect(id: number): void;
}

export function FeedPanel({ feed, onSelect }: Props) {
  const { t, lang } = useI18n();
  return (
    <section className="panel feed" data-testid="feed">
      <h2>{t('feed.title')}</h2>
      {feed.length === 0 && <p className="muted">{t('feed.empty')}</p>}
      <ol>
        {feed.map((f) => {
          const eventId = f.type.startsWith('event.') && f.id ? Number(f.id) : null;
          return (
            <li key={f.seq} className={`feed-item type-${f.type.replace(/\./g, '-')}`} data-seq={f.seq} data-event-id={eventId ?? undefined}>
              <button type="button" disabled={eventId === null} onClick={() => eventId !== null && onSelect(eventId)}>
                <span className="feed-line">
                  <span className="feed-time">{new Date(f.at).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false })}</span>
                  <span className="feed-type">{t(`change.${f.type}`)}</span>
                  {f.state && <span className={`state-chip state-${f.state}`}>{t(`state.${f.state}`)}</span>}
                </span>
                <span className="feed-line">
                  <span className="feed-title">{f.title ?? (f.id ? `#${f.id}` : '')}</span>
                  {(f.gridName ?? f.gridCode) && (
                    <span className="feed-grid muted small" title={f.gridCode ?? undefined}>
                      {f.gridName ?? f.gridCode}
                    </span>
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
