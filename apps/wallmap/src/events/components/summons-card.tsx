import { useState } from 'react';
import { useI18n } from '../../i18n/i18n-context';
import { errorText } from '../../i18n/error-text';
import type { Catalog } from '../../catalog/hooks/use-catalog';
import { reportIn } from '../api/events-api';
import type { SummonsView } from '@gc/contracts';

interface Props {
  eventId: number;
  summons: SummonsView[];
  catalog: Catalog;
  /** the signed-in user's department: its pending line gets a report-in button */
  myDepartment: string | null;
  onDone(): void;
}

/** 吹哨报到 on a case: each summons with its deadline and, per department, who reported in and who is late. */
export function SummonsCard({ eventId, summons, catalog, myDepartment, onDone }: Props) {
  const { t, lang } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString(locale, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }) : '—');
  if (!summons.length) return null;
  return (
    <div className="summons-card" data-testid="summons-board">
      <h4>{t('summons.title')}</h4>
      {summons.map((s) => (
        <table key={s.id} className="summons-table" data-summons-id={s.id}>
          <caption>
            {t('summons.due')} {time(s.dueAt)}
          </caption>
          <tbody>
            {s.departments.map((d) => (
              <tr key={d.code} data-department={d.code} data-status={d.status}>
                <td>{catalog.deptName(d.code, d.name)}</td>
                <td>
                  <span className={`summons-status st-${d.status}`}>{t(`summons.status.${d.status}`)}</span>
                </td>
                <td className="muted small">{d.reportedAt ? time(d.reportedAt) : ''}</td>
                <td>
                  {myDepartment === d.code && !d.reportedAt && (
                    <button
                      type="button"
                      data-testid="report-in"
                      onClick={() =>
                        void reportIn(eventId, s.id).then(
                          () => {
                            setError(null);
                            onDone();
                          },
                          (e: unknown) => setError(errorText(t, e).text),
                        )
                      }
                    >
                      {t('summons.reportIn')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      {error && <p className="error">{error}</p>}
    </div>
  );
}
