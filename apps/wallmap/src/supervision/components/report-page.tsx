import type { IndicatorReport } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import { svText } from '../i18n/supervision-dictionary';
import { formatValue } from '../state/ranking';

/** Indicators shown on the printed page (all are in the workbook). */
const PRINTED = [
  'reported',
  'registration_rate',
  'on_time_handling_rate',
  'closure_rate',
  'on_time_closure_rate',
  'rework_rate',
  'avg_handling_hours',
  'overdue',
  'escalations',
  'satisfaction',
  'in_grid_rate',
  'summons_report_in_rate',
  'repeat_complaints',
];

interface Props {
  scope: string;
  reports: { title: string; report: IndicatorReport | null }[];
}

/** The evaluation report as a printable page (A4 landscape; the browser's print keeps only this). */
export function ReportPage({ scope, reports }: Props) {
  const { lang } = useI18n();
  const first = reports.find((r) => r.report)?.report;
  return (
    <article className="sv-report" data-testid="sv-report">
      <h1>{svText(lang, 'sv.report.title')}</h1>
      {first && (
        <p>
          {svText(lang, 'sv.report.scope')}：{scope} · {svText(lang, 'sv.period')}：{first.from} — {first.to} · {svText(lang, 'sv.attribution')}：{svText(lang, first.attribution === 'then' ? 'sv.then' : 'sv.now')} ·{' '}
          {svText(lang, 'sv.factsAsOf')}：{first.factsAsOf ? new Date(first.factsAsOf).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false }) : '—'}
        </p>
      )}
      {reports.map(({ title, report }) => {
        if (!report) return <p key={title}>{svText(lang, 'sv.loading')}</p>;
        const defs = PRINTED.map((c) => report.indicators.find((f) => f.code === c)).filter((f) => f !== undefined);
        // a grouping with no rows in the period (or none at that level in the territory): say so, not an empty table
        if (report.rows.length === 0)
          return (
            <section key={title}>
              <h2>{title}</h2>
              <p className="muted">{svText(lang, 'sv.none')}</p>
            </section>
          );
        return (
          <section key={title}>
            <h2>{title}</h2>
            <table className="sv-report-table">
              <thead>
                <tr>
                  <th>{svText(lang, 'sv.name')}</th>
                  {defs.map((f) => (
                    <th key={f.code}>
                      {lang === 'en' ? f.nameEn : f.name}
                      <small> v{f.version}</small>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {report.rows.map((r) => (
                  <tr key={r.key}>
                    <td>{(lang === 'en' && r.nameEn) || r.name}</td>
                    {defs.map((f) => (
                      <td key={f.code} className="num">
                        {formatValue(f, r.values[f.code])}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </article>
  );
}
