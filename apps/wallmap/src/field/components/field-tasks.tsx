import { useState } from 'react';
import type { EventSummary } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import type { Catalog } from '../../catalog/hooks/use-catalog';
import { fetchEvent } from '../../events/api/events-api';
import type { EventDetail } from '@gc/contracts';
import { newKey } from '../state/outbox';
import { enqueue } from '../state/outbox-sender';

/** The actions a worker takes from the phone (the server's legalActions say which apply now). */
const FIELD_ACTIONS = ['start', 'feedback', 'self_handle'] as const;

interface Props {
  tasks: EventSummary[];
  catalog: Catalog;
}

/** My tasks: the open cases of my grid (the server's jurisdiction), soonest deadline first; due time and the next legal actions. */
export function FieldTasks({ tasks, catalog }: Props) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState<EventDetail | null>(null);
  const [note, setNote] = useState('');
  const [queued, setQueued] = useState<string | null>(null);
  const when = (iso: string) => new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });

  const act = async (action: string) => {
    if (!open) return;
    await enqueue({ key: newKey('action'), kind: 'action', url: `/api/events/${open.id}/transitions`, body: { action, ...(note.trim() ? { note: note.trim() } : {}) }, label: open.title, createdAt: Date.now(), attempts: 0 });
    setQueued(action);
    setNote('');
  };

  const show = async (id: number) => {
    setQueued(null);
    try {
      setOpen(await fetchEvent(id));
    } catch {
      setOpen(null);
    }
  };

  if (!tasks.length) return <p className="muted" data-testid="tasks-empty">{t('field.tasks.empty')}</p>;
  return (
    <div>
      <ul className="field-tasks" data-testid="field-tasks">
        {tasks.map((e) => (
          <li key={e.id} data-event-id={e.id} className={e.overdue ? 'overdue' : e.warning !== 'none' ? 'warning' : ''}>
            <button type="button" onClick={() => void show(e.id)}>
              <span className="field-task-title">{e.title}</span>
              <span className="muted small">
                {catalog.categoryName(e.category, e.categoryName)} · {t(`state.${e.state}`)}
              </span>
              <span className="small">{e.dueAt ? t('field.tasks.due', { at: when(e.dueAt) }) : t('field.tasks.noDue')}</span>
            </button>
            {open?.id === e.id && (
              <div className="field-task-actions" data-testid="task-actions">
                {(open.legalActions ?? []).filter((a) => (FIELD_ACTIONS as readonly string[]).includes(a)).length === 0 && <p className="muted small">{t('field.tasks.noAction')}</p>}
                {(open.legalActions ?? []).some((a) => (FIELD_ACTIONS as readonly string[]).includes(a)) && (
                  <input value={note} onChange={(ev) => setNote(ev.target.value)} placeholder={t('field.tasks.note')} />
                )}
                {FIELD_ACTIONS.filter((a) => (open.legalActions ?? []).includes(a)).map((a) => (
                  <button key={a} type="button" onClick={() => void act(a)} data-action={a}>
                    {t(`action.${a}`)}
                  </button>
                ))}
                {queued && <p className="small">{t('field.tasks.queued', { action: t(`action.${queued}`) })}</p>}
              </div>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
