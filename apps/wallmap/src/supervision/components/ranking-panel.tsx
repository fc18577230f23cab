import type { IndicatorReport } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import { svText, type SvKey } from '../i18n/supervision-dictionary';
import { formatValue, rank, trendOf, type Ranked } from '../state/ranking';

interface Props {
  title: SvKey;
  report: IndicatorReport | null;
  indicator: string;
  testId: string;
}

/** 红黑榜 for one grouping: the best five and the worst five by the chosen indicator, with last period beside. */
export function RankingPanel({ title, report, indicator, testId }: Props) {
  const { lang } = useI18n();
  const s = (k: SvKey | 'red' | 'black') => svText(lang, (k === 'red' ? 'sv.red' : k === 'black' ? 'sv.black' : k) as SvKey);
  const def = report?.indicators.find((f) => f.code === indicator);
  const ranked = report ? rank(report.rows, indicator, 5) : null;
  const name = (r: Ranked) => (lang === 'en' && r.row.nameEn) || r.row.name;
  const list = (rows: Ranked[], kind: 'red' | 'black') => (
    <table className={`sv-rank sv-rank-${kind}`}>
      <caption>{s(kind)}</caption>
      <thead>
        <tr>
          <th>{s('sv.rank')}</th>
          <th>{s('sv.name')}</th>
          <th>{s('sv.value')}</th>
          <th>{s('sv.previous')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const dir = trendOf(indicator, r.value, r.previous);
          return (
            <tr key={r.row.key} data-key={r.row.key}>
              <td>{r.rank}</td>
              <td title={r.row.code ?? undefined}>{name(r)}</td>
              <td className="num">{formatValue(def, r.value)}</td>
              <td className="num muted">
                {formatValue(def, r.previous)} {dir === 'up' ? <span className="sv-better">▲</span> : dir === 'down' ? <span className="sv-worse">▼</span> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
  return (
    <section className="panel sv-card" data-testid={testId}>
      <h2>
        {s(title)} · {def ? (lang === 'en' ? def.nameEn : def.name) : indicator}
        {def && (
          <span className="muted small">
            {' '}
            {svText(lang, 'sv.version')} v{def.version}
          </span>
        )}
      </h2>
      {!ranked && <p className="muted">{s('sv.loading')}</p>}
      {ranked && ranked.all.length === 0 && <p className="muted">{s('sv.none')}</p>}
      {ranked && ranked.all.length > 0 && (
        <div className="sv-rank-pair">
          {list(ranked.red, 'red')}
          {ranked.black.length > 0 && list(ranked.black, 'black')}
        </div>
      )}
    </section>
  );
}
