import { useEffect, useState } from 'react';
import type { EventSummary, Permission } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import { errorText } from '../../i18n/error-text';
import type { Catalog } from '../../catalog/hooks/use-catalog';
import { fetchEvent, fetchGridWorkers } from '../api/events-api';
import type { EventDetail as Detail, TimelineEntry } from '@gc/contracts';
import { STATUS_COLORS, statusKey } from '../state/event-colors';
import { FINAL_STATES } from '../state/events-store';
import { Attachments } from './attachments';
import { EventActions } from './event-actions';
import { SummonsCard } from './summons-card';

interface Props {
  summary: EventSummary | undefined;
  id: number;
  /** the seq of the case's latest live change: the detail reloads when it moves (another screen acted) */
  version: number | undefined;
  permissions: readonly Permission[];
  myDepartment: string | null;
  catalog: Catalog;
  onClose(): void;
  onLoaded(e: EventSummary): void;
  /** the map's pick, for placing an unplaced case (the console; screens without a map leave these out) */
  pick?: [number, number] | null;
  onPickMode?(on: boolean): void;
}

/** The entry's note in the screen's language when the server's facts allow (system notes), else as written. */
function noteOf(s: TimelineEntry, t: (k: string, v?: Record<string, string | number>) => string): string {
  const d = s.data ?? {};
  if (d.reason === 'no_location' || d.reason === 'outside_territory') return t(`note.${d.reason}`);
  if (s.action === 'escalate' && d.automatic === true && typeof d.overdueMinutes === 'number') return t('note.escalated', { minutes: d.overdueMinutes, level: Number(d.to) });
  return s.note ?? '';
}

export function EventDetailPanel({ summary, id, version, permissions, myDepartment, catalog, onClose, onLoaded, pick, onPickMode }: Props) {
  const { t, lang } = useI18n();
  const [detail, setDetail] = useState<Detail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [workers, setWorkers] = useState<string[]>([]);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let alive = true;
    fetchEvent(id).then(
      (d) => {
        if (!alive) return;
        setDetail(d);
        setLoadError(null);
        // the list shows what the case is now, also when the live message has not arrived yet
        onLoaded(d);
      },
      (e: unknown) => alive && setLoadError(errorText(t, e).text),
    );
    return () => {
      alive = false;
    };
    // t changes with the language only; the error text is re-read on the next load
  }, [id, version, reload]);
  useEffect(() => {
    if (detail && detail.id !== id) setDetail(null);
  }, [id, detail]);

  const gridCode = summary?.grid?.code ?? detail?.grid?.code ?? null;
  useEffect(() => {
    let alive = true;
    setWorkers([]);
    if (gridCode && permissions.includes('registry:read')) void fetchGridWorkers(gridCode).then((w) => alive && setWorkers(w));
    return () => {
      alive = false;
    };
  }, [gridCode, permissions]);

  const current = detail && detail.id === id ? detail : null;
  const e: EventSummary | Detail | undefined = summary ?? current ?? undefined;
  const timeline = current?.timeline ?? [];
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  const time = (iso: string) => new Date(iso).toLocaleString(locale, { hour12: false });
  return (
    <section className="panel detail" data-testid="event-detail" data-event-id={id} data-state={e?.state}>
      <header>
        <h2>
          {t('detail.title')} #{id}
        </h2>
        <button type="button" onClick={onClose} aria-label={t('detail.close')}>
          ×
        </button>
      </header>
      {loadError && !e && <p className="error">{loadError}</p>}
      {e && (
        <div className="detail-body">
          <h3 className="detail-title">
            <i className="dot" style={{ background: STATUS_COLORS[statusKey(e)] }} /> {e.title}
          </h3>
          <dl>
            <dt>{t('detail.state')}</dt>
            <dd>
              <span className={`state-chip state-${e.state}`} data-testid="detail-state">
                {t(`state.${e.state}`)}
              </span>
              {e.overdue && <span className="badge overdue">{t('detail.overdue')}</span>}
            </dd>
            <dt>{t('detail.category')}</dt>
            <dd>{catalog.categoryName(e.category, e.categoryName)}</dd>
            <dt>{t('detail.urgency')}</dt>
            <dd>
              {t(`urgency.${e.urgency}`)} · {t(`source.${e.source}`)}
            </dd>
            <dt>{t('detail.grid')}</dt>
            <dd>{e.grid ? e.grid.name : '—'}</dd>
            {current?.address && (
              <>
                <dt>{t('detail.address')}</dt>
                <dd>{current.address}</dd>
              </>
            )}
            <dt>{t('detail.worker')}</dt>
            <dd>{workers.length ? workers.join('、') : (current?.assignee?.name ?? '—')}</dd>
            <dt>{t('detail.department')}</dt>
            <dd data-testid="detail-department">{e.department ? catalog.deptName(e.department) : '—'}</dd>
            <dt>{t('detail.due')}</dt>
            <dd>{e.dueAt ? time(e.dueAt) : '—'}</dd>
          </dl>
          <h4>{t('detail.actions')}</h4>
          <EventActions detail={current} permissions={permissions} catalog={catalog} open={!FINAL_STATES.has(e.state)} onDone={() => setReload((n) => n + 1)} pick={pick} onPickMode={onPickMode} />
          <SummonsCard eventId={id} summons={current?.summons ?? []} catalog={catalog} myDepartment={myDepartment} onDone={() => setReload((n) => n + 1)} />
          <h4>{t('detail.timeline')}</h4>
          <ol className="timeline" data-testid="timeline">
            {timeline.map((s, i) => (
              <li key={i}>
                <time>{time(s.at)}</time> <b>{t(`action.${s.action}`)}</b> <span className="muted">→ {t(`state.${s.to}`)}</span> {s.actorName ?? s.actor}{' '}
                {s.department ? catalog.deptName(s.department, s.departmentName) : ''} {noteOf(s, t)}
                {s.attachments?.length ? <Attachments items={s.attachments} /> : null}
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
