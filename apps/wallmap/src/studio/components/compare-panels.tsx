import type { CaseCountsReport, VersionCompareReport } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import { CHANGE_COLOURS } from '../state/compare-style';

const CHANGES = ['added', 'removed', 'reshaped', 'unchanged'] as const;
const signed = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(Math.round(n)).toLocaleString()}`;

/** What changed between the two versions: counts by change, then every changed area with its change of area. */
export function CompareChanges({ report }: { report: VersionCompareReport }) {
  const { t } = useI18n();
  const changed = report.areas.filter((a) => a.change !== 'unchanged');
  return (
    <section className="panel compare-changes" data-testid="compare-changes" data-counts={JSON.stringify(report.counts)}>
      <h2>{t('cmp.changes')}</h2>
      <p className="muted">{t('cmp.scope', { name: report.scope.name ?? t('cmp.whole') })}</p>
      <ul className="compare-counts">
        {CHANGES.map((c) => (
          <li key={c} data-change={c}>
            <i style={{ background: CHANGE_COLOURS[c] }} /> {t(`cmp.${c}`)} <b>{report.counts[c]}</b>
          </li>
        ))}
      </ul>
      {changed.length === 0 ? (
        <p>{t('cmp.none')}</p>
      ) : (
        <table className="compare-table">
          <thead>
            <tr>
              <th>{t('studio.name')}</th>
              <th />
              <th>{t('cmp.area')} (m²)</th>
            </tr>
          </thead>
          <tbody>
            {changed.slice(0, 300).map((a) => (
              <tr key={`${a.level}-${a.code}`} data-change={a.change} data-code={a.code}>
                <td title={a.code}>
                  {a.name} <span className="muted">{t(`level.${a.level}`)}</span>
                </td>
                <td style={{ color: CHANGE_COLOURS[a.change] }}>{t(`cmp.${a.change}`)}</td>
                <td className="num">{signed(a.deltaM2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Cases of the period by grid, as then (the grid of the day) against as now (today's grids). */
export function CaseCountsPanel({ counts }: { counts: CaseCountsReport }) {
  const { t } = useI18n();
  return (
    <section className="panel compare-cases" data-testid="compare-cases" data-then={counts.totals.then} data-now={counts.totals.now}>
      <h2>{t('cmp.cases')}</h2>
      <p className="muted hint">
        {counts.from} – {counts.to} · {t('cmp.cases.hint')}
      </p>
      {counts.grids.length === 0 ? (
        <p>{t('cmp.cases.empty')}</p>
      ) : (
        <table className="compare-table">
          <thead>
            <tr>
              <th>{t('cmp.cases.grid')}</th>
              <th>{t('cmp.cases.then')}</th>
              <th>{t('cmp.cases.now')}</th>
              <th>{t('cmp.cases.delta')}</th>
            </tr>
          </thead>
          <tbody>
            {counts.grids.map((g) => (
              <tr key={g.code} className={g.delta !== 0 ? 'moved' : ''} data-code={g.code} data-then={g.then} data-now={g.now}>
                <td title={g.code}>
                  {g.name} {!g.current && <span className="tag gone">{t('cmp.cases.gone')}</span>}
                </td>
                <td className="num">{g.then}</td>
                <td className="num">{g.now}</td>
                <td className={`num ${g.delta > 0 ? 'up' : g.delta < 0 ? 'down' : ''}`}>{g.delta === 0 ? '—' : signed(g.delta)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td>{t('cmp.cases.total')}</td>
              <td className="num">{counts.totals.then}</td>
              <td className="num">{counts.totals.now}</td>
              <td />
            </tr>
          </tfoot>
        </table>
      )}
    </section>
  );
}
