import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n-context';
import { errorText } from '../../i18n/error-text';
import type { Catalog } from '../../catalog/hooks/use-catalog';
import { fetchOpenSummonses } from '../../events/api/events-api';
import type { OpenSummons } from '@gc/contracts';

interface Props {
  /** bumps on every live summons change: the list reloads */
  tick: number;
  catalog: Catalog;
  onSelect(eventId: number): void;
}

/** Every summons still waiting for a department: the case, the deadline, who came, who is late (live). */
export function OpenSummonsList({ tick, catalog, onSelect }: Props) {
  const { t, lang } = useI18n();
  const [list, setList] = useState<OpenSummons[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [clock, setClock] = useState(0);
  // "late" follows the clock too: reload every 30 s
  useEffect(() => {
    const h = setInterval(() => setClock((n) => n + 1), 30_000);
    return () => clearInterval(h);
  }, []);
  useEffect(() => {
    let alive = true;
    fetchOpenSummonses().then(
      (l) => {
        if (!alive) return;
        setList(l);
        setError(null);
      },
      (e: unknown) => alive && setError(errorText(t, e).text),
    );
    return () => {
      alive = false;
    };
  }, [tick, clock]);
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  return (
    <section className="panel queue summons-list" data-testid="open-summonses">
      <h2>
        {t('summons.board')} <span className="muted small">{list ? t('queue.count', { n: list.length }) : ''}</span>
      </h2>
      {error && <p className="error">{error}</p>}
      {list && !list.length && <p className="muted">{t('summons.none')}</p>}
      <ol className="queue-list">
        {list?.map((s) => {
          const late = s.departments.some((d) => d.status === 'missing');
          return (
            <li key={s.id} className={`queue-row${late ? ' overdue' : ''}`} data-summons-id={s.id} data-event-id={s.eventId} onClick={() => onSelect(s.eventId)}>
              <span className="queue-line">
                <b className="queue-title">
                  #{s.eventId} {s.eventTitle}
                </b>
                <span className={late ? 'due overdue' : 'due'}>
                  {t('summons.due')} {new Date(s.dueAt).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hour12: false })}
                </span>
              </span>
              <span className="queue-line small">
                {s.departments.map((d) => (
                  <span key={d.code} className={`summons-status st-${d.status}`} data-department={d.code} data-status={d.status}>
                    {catalog.deptName(d.code, d.name)} · {t(`summons.status.${d.status}`)}
                  </span>
                ))}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
