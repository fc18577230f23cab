import { useCallback, useEffect, useState } from 'react';
import type { EventSummary } from '@gc/contracts';
import { useCatalog } from '../../catalog/hooks/use-catalog';
import { useI18n } from '../../i18n/i18n-context';
import { errorText } from '../../i18n/error-text';
import { CaseQueue } from '../../console/components/case-queue';
import { OpenSummonsList } from '../../console/components/open-summonses';
import { EventDetailPanel } from '../../events/components/event-detail';
import type { ScreenProps } from '../../shell/routes';
import { useCases } from '../hooks/use-cases';

/**
 * A work list without the wall: the department's inbox and the grid worker's tasks. The queue
 * (deadlines first), the chosen case with its controls, and the summonses waiting for this user.
 */
export function CaseDesk({ session, onStatus, title, hint, showSummons }: ScreenProps & { title: string; hint: string; showSummons: boolean }) {
  const { t } = useI18n();
  const catalog = useCatalog();
  const [error, setError] = useState<string | null>(null);
  const { state, status, summonsTick, dispatch, loaded } = useCases((e) => setError(errorText(t, e).text));
  const [selected, setSelected] = useState<number | null>(null);
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const h = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(h);
  }, []);
  useEffect(() => onStatus(status), [status, onStatus]);
  useEffect(() => () => onStatus(null), [onStatus]);
  const onLoaded = useCallback((e: EventSummary) => dispatch({ type: 'event-loaded', event: e }), [dispatch]);
  return (
    <main className={`page desk${showSummons ? ' with-summons' : ''}`}>
      <div className="desk-list">
        <p className="muted small desk-hint">{hint}</p>
        {error && <p className="error">{error}</p>}
        <CaseQueue events={state.events} catalog={catalog} selectedId={selected} onSelect={setSelected} title={title} now={now} ready={loaded} />
      </div>
      <div className="desk-detail">
        {selected !== null ? (
          <EventDetailPanel
            id={selected}
            summary={state.events.get(selected)}
            version={state.eventSeq.get(selected)}
            permissions={session.user.permissions}
            myDepartment={session.user.department}
            catalog={catalog}
            onClose={() => setSelected(null)}
            onLoaded={onLoaded}
          />
        ) : (
          <section className="panel detail empty">
            <h2>{t('detail.title')}</h2>
            <p className="muted">{t('desk.pick')}</p>
          </section>
        )}
      </div>
      {showSummons && (
        <div className="desk-side">
          <OpenSummonsList tick={summonsTick} catalog={catalog} onSelect={setSelected} />
        </div>
      )}
    </main>
  );
}
