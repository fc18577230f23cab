import { useEffect, useState } from 'react';
import type { EventSummary } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import { ApiError } from '../../auth/api/http';
import { fetchEvent, fetchGridWorkers, summon, transition, type EventDetail as Detail, type TimelineEntry } from '../api/events-api';
import { STATUS_COLORS, statusKey } from '../state/event-colors';
import { Attachments } from './attachments';

/** The operator's actions from the command wall, in workflow order. */
const ACTIONS = ['accept', 'register', 'dispatch', 'summon', 'escalate', 'start', 'feedback', 'verify', 'close', 'reject', 'void'] as const;
type Action = (typeof ACTIONS)[number];

interface Props {
  summary: EventSummary | undefined;
  id: number;
  onClose(): void;
  onLoaded(e: EventSummary): void;
}

/** Why the server refused: its message, and the actions it says are legal now (409 details). */
function refusal(e: unknown): { message: string; legal: string[] } {
  if (e instanceof ApiError) {
    const d = e.details as { legalActions?: unknown } | null;
    const list = d?.legalActions;
    return { message: `${e.code}: ${e.message}`, legal: Array.isArray(list) ? list.map(String) : [] };
  }
  return { message: e instanceof Error ? e.message : String(e), legal: [] };
}

/** The entry's note in the screen's language when the server's facts allow (system notes), else as written. */
function noteOf(s: TimelineEntry, t: (k: string, v?: Record<string, string | number>) => string): string {
  const d = s.data ?? {};
  if (d.reason === 'no_location' || d.reason === 'outside_territory') return t(`note.${d.reason}`);
  if (s.action === 'escalate' && d.automatic === true && typeof d.overdueMinutes === 'number') return t('note.escalated', { minutes: d.overdueMinutes, level: Number(d.to) });
  return s.note ?? '';
}

export function EventDetailPanel({ summary, id, onClose, onLoaded }: Props) {
  const { t, lang } = useI18n();
  const [detail, setDetail] = useState<Detail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [department, setDepartment] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string; legal: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [workers, setWorkers] = useState<string[]>([]);
  // reload the detail whenever the live summary of this event changes (another screen acted)
  const version = summary ? `${summary.state}|${summary.escalationLevel}|${summary.department}` : '';

  useEffect(() => {
    let alive = true;
    fetchEvent(id).then(
      (d) => {
        if (!alive) return;
        setDetail(d);
        setLoadError(null);
        if (d.department) setDepartment((cur) => cur || d.department || '');
      },
      (e: unknown) => alive && setLoadError(refusal(e).message),
    );
    return () => {
      alive = false;
    };
  }, [id, version]);

  useEffect(() => setResult(null), [id]);
  const gridCode = summary?.grid?.code ?? detail?.grid?.code ?? null;
  useEffect(() => {
    let alive = true;
    setWorkers([]);
    if (gridCode) void fetchGridWorkers(gridCode).then((w) => alive && setWorkers(w));
    return () => {
      alive = false;
    };
  }, [gridCode]);

  const e: EventSummary | Detail | undefined = summary ?? detail ?? undefined;
  const act = async (action: Action) => {
    setBusy(true);
    setResult(null);
    const body: Record<string, unknown> = { action };
    const codes = department
      .split(/[,，\s]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (action === 'dispatch' && codes[0]) body.department = codes[0];
    if (action === 'verify') body.passed = true;
    try {
      // summoning departments is its own resource (POST /summons), not a state change
      const r = action === 'summon' ? await summon(id, codes) : await transition(id, body);
      setResult({ ok: true, text: `${t(`action.${action}`)} · ${t('detail.done')}`, legal: [] });
      const updated = r && typeof r === 'object' && 'id' in r && 'state' in r ? (r as EventSummary) : null;
      if (updated) onLoaded(updated);
      setDetail(await fetchEvent(id));
    } catch (err) {
      const r = refusal(err);
      setResult({ ok: false, text: `${t('detail.notAllowed')} — ${r.message}`, legal: r.legal });
    } finally {
      setBusy(false);
    }
  };

  const allowed = detail?.legalActions;
  const timeline = detail?.timeline ?? [];
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
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
        <>
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
            <dd>{e.categoryName || e.category}</dd>
            <dt>{t('detail.urgency')}</dt>
            <dd>{t(`urgency.${e.urgency}`)}</dd>
            <dt>{t('detail.grid')}</dt>
            <dd>{e.grid ? `${e.grid.name} (${e.grid.code})` : '—'}</dd>
            <dt>{t('detail.worker')}</dt>
            <dd>{workers.length ? workers.join('、') : (detail?.assignee?.name ?? '—')}</dd>
            <dt>{t('detail.department')}</dt>
            <dd>{e.department ?? '—'}</dd>
            <dt>{t('detail.due')}</dt>
            <dd>{e.dueAt ? new Date(e.dueAt).toLocaleString(locale, { hour12: false }) : '—'}</dd>
          </dl>
          <h4>{t('detail.actions')}</h4>
          <input
            className="dept-input"
            placeholder={t('action.departmentPrompt')}
            title={t('action.summonPrompt')}
            value={department}
            onChange={(ev) => setDepartment(ev.target.value)}
          />
          <div className="actions">
            {ACTIONS.map((a) => (
              <button
                key={a}
                type="button"
                data-action={a}
                className={allowed && a !== 'summon' && !allowed.includes(a) ? 'dim' : ''}
                disabled={busy}
                onClick={() => void act(a)}
              >
                {t(`action.${a}`)}
              </button>
            ))}
          </div>
          {result && (
            <div className={result.ok ? 'ok' : 'error'} role="status" data-testid="action-result">
              {result.text}
              {result.legal.length > 0 && (
                <div>
                  {t('detail.allowed')}: {result.legal.map((l) => t(`action.${l}`)).join('、')}
                </div>
              )}
            </div>
          )}
          <h4>{t('detail.timeline')}</h4>
          <ol className="timeline" data-testid="timeline">
            {timeline.map((s, i) => (
              <li key={i}>
                <time>{new Date(s.at).toLocaleString(locale, { hour12: false })}</time>{' '}
                <b>{t(`action.${s.action}`)}</b> <span className="muted">→ {t(`state.${s.to}`)}</span> {s.actor} {s.department ?? ''} {noteOf(s, t)}
                {s.attachments?.length ? <Attachments items={s.attachments} /> : null}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
