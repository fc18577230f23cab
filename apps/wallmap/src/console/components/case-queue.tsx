import { useEffect, useMemo, useReducer, useRef, useState, type KeyboardEvent } from 'react';
import { EVENT_SOURCES, type EventState, type EventSummary } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import type { Catalog } from '../../catalog/hooks/use-catalog';
import type { PersistentMap } from '../../events/state/persistent-map';
import { FINAL_STATES } from '../../events/state/events-store';
import { STATUS_COLORS, statusKey } from '../../events/state/event-colors';
import { EMPTY_QUEUE, NO_QUEUE_FILTERS, desiredOrder, queueReducer, step, type QueueFilters, type QueueSort } from '../state/queue';

const SHOWN = 300;
const OPEN_STATES: EventState[] = [
  'reported',
  'unplaced',
  'accepted',
  'registered',
  'dispatched',
  'in_progress',
  'handled',
  'verified',
  'returned',
  'rework',
  'extension_requested',
  'deferred',
  'on_account',
  'self_handled',
];
const OPEN = new Set<EventState>(OPEN_STATES.filter((s) => !FINAL_STATES.has(s)));

interface Props {
  events: PersistentMap<number, EventSummary>;
  catalog: Catalog;
  selectedId: number | null;
  onSelect(id: number): void;
  title: string;
  /** the clock that re-derives overdue marks */
  now: Date;
  /** the first full load has arrived: the list takes it in order (what came before it was only a live head start) */
  ready: boolean;
}

/** The sortable, filterable case list: stable under live updates, keyboard navigable, linked both ways with the map. */
export function CaseQueue({ events, catalog, selectedId, onSelect, title, now, ready }: Props) {
  const { t, lang } = useI18n();
  const [filters, setFilters] = useState<QueueFilters>(NO_QUEUE_FILTERS);
  const [sort, setSort] = useState<QueueSort>('due');
  const [q, dispatch] = useReducer(queueReducer, EMPTY_QUEUE);
  const desired = useMemo(() => desiredOrder(events.values(), filters, sort, OPEN), [events, filters, sort]);
  const desiredRef = useRef(desired);
  desiredRef.current = desired;
  useEffect(() => dispatch({ type: 'sync', desired }), [desired]);
  useEffect(() => dispatch({ type: 'reorder', desired: desiredRef.current }), [filters, sort, ready]);
  const listRef = useRef<HTMLOListElement>(null);
  // The keyboard's row: arrow keys move it, Enter opens its case (moving through the list does not
  // load every case it passes). It starts at, and follows, the case that is open.
  const [cursor, setCursor] = useState<number | null>(selectedId);
  useEffect(() => setCursor(selectedId), [selectedId]);
  const reveal = (id: number) => listRef.current?.querySelector(`[data-event-id="${id}"]`)?.scrollIntoView({ block: 'nearest' });
  // the map selected a case: bring its row into view
  useEffect(() => {
    if (selectedId !== null) reveal(selectedId);
  }, [selectedId]);
  const set = (k: keyof QueueFilters, v: string) => setFilters((f) => ({ ...f, [k]: v }));
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      if (cursor !== null) onSelect(cursor);
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const next = step(q.order.slice(0, SHOWN), cursor, e.key === 'ArrowDown' ? 1 : -1);
    if (next === null) return;
    setCursor(next);
    reveal(next);
  };
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  const rows = q.order.slice(0, SHOWN);
  return (
    <section className="panel queue" data-testid="queue">
      <header className="queue-head">
        <h2>
          {title} <span className="muted small">{t('queue.count', { n: q.order.length })}</span>
        </h2>
        <label className="inline">
          {t('queue.sort')}
          <select value={sort} onChange={(e) => setSort(e.target.value as QueueSort)} data-testid="queue-sort">
            <option value="due">{t('queue.sort.due')}</option>
            <option value="newest">{t('queue.sort.newest')}</option>
            <option value="urgency">{t('queue.sort.urgency')}</option>
          </select>
        </label>
      </header>
      <div className="queue-filters">
        <select value={filters.state} onChange={(e) => set('state', e.target.value)} aria-label={t('filters.state')} data-testid="queue-state">
          <option value="">
            {t('filters.state')}：{t('filters.all')}
          </option>
          {OPEN_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`state.${s}`)}
            </option>
          ))}
        </select>
        <select value={filters.category} onChange={(e) => set('category', e.target.value)} aria-label={t('filters.category')}>
          <option value="">
            {t('filters.category')}：{t('filters.all')}
          </option>
          {catalog.categories.map((c) => (
            <option key={c.code} value={c.code}>
              {lang === 'en' ? c.nameEn : c.name}
            </option>
          ))}
        </select>
        <select value={filters.department} onChange={(e) => set('department', e.target.value)} aria-label={t('filters.department')}>
          <option value="">
            {t('filters.department')}：{t('filters.all')}
          </option>
          {catalog.departments.map((d) => (
            <option key={d.code} value={d.code}>
              {lang === 'en' ? d.nameEn : d.name}
            </option>
          ))}
        </select>
        <select value={filters.source} onChange={(e) => set('source', e.target.value)} aria-label={t('queue.source')} data-testid="queue-source">
          <option value="">
            {t('queue.source')}：{t('filters.all')}
          </option>
          {EVENT_SOURCES.map((s) => (
            <option key={s} value={s}>
              {t(`source.${s}`)}
            </option>
          ))}
        </select>
        <input value={filters.area} onChange={(e) => set('area', e.target.value.trim())} placeholder={t('queue.area')} aria-label={t('queue.area')} />
      </div>
      {q.pending.length > 0 && (
        <button type="button" className="queue-new" data-testid="queue-new" onClick={() => dispatch({ type: 'reorder', desired })}>
          {t('queue.new', { n: q.pending.length })}
        </button>
      )}
      {ready && !q.order.length && (
        <p className="muted" data-testid="queue-empty">
          {Object.values(filters).some(Boolean) ? t('queue.noMatch') : t('queue.empty')}
        </p>
      )}
      <ol
        className="queue-list"
        ref={listRef}
        tabIndex={0}
        onKeyDown={onKey}
        role="listbox"
        aria-label={title}
        aria-activedescendant={cursor !== null && rows.includes(cursor) ? `queue-row-${cursor}` : undefined}
        data-testid="queue-list"
      >
        {rows.map((id) => {
          const e = events.get(id);
          if (!e) return null;
          const overdue = e.overdue || (e.dueAt !== null && Date.parse(e.dueAt) < now.getTime());
          return (
            <li
              key={id}
              id={`queue-row-${id}`}
              role="option"
              aria-selected={id === selectedId}
              className={`queue-row${id === selectedId ? ' selected' : ''}${id === cursor ? ' cursor' : ''}${overdue ? ' overdue' : ''}`}
              data-event-id={id}
              onClick={() => onSelect(id)}
            >
              <span className="queue-line">
                <i className="dot" style={{ background: STATUS_COLORS[statusKey(e)] }} />
                <b className="queue-title">{e.title}</b>
                <span className={`state-chip state-${e.state}`}>{t(`state.${e.state}`)}</span>
              </span>
              <span className="queue-line muted small">
                <span>#{id}</span>
                <span>{catalog.categoryName(e.category, e.categoryName)}</span>
                <span className="queue-grid">{e.grid?.name ?? t('queue.unplaced')}</span>
                {e.department && <span>{catalog.deptName(e.department)}</span>}
                <span className={overdue ? 'due overdue' : 'due'}>
                  {e.dueAt
                    ? `${overdue ? t('queue.overdue') : t('queue.due')} ${new Date(e.dueAt).toLocaleString(locale, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false })}`
                    : t('queue.noDue')}
                </span>
              </span>
            </li>
          );
        })}
      </ol>
      {q.order.length > SHOWN && <p className="muted small">{t('queue.more', { n: SHOWN, total: q.order.length })}</p>}
    </section>
  );
}
