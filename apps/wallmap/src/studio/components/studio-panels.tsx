import type { BalanceMetric, BalanceReport, ImpactReport, RepairReport, TopologyReport } from '@gc/contracts';
import { BALANCE_METRICS } from '@gc/contracts';
import { memo, useLayoutEffect } from 'react';
import { useI18n } from '../../i18n/i18n-context';
import { paintProbe } from '../state/paint-probe';

const V_KEYS = ['overlaps', 'gaps', 'outsideParent', 'slivers', 'nonContiguous', 'duplicateCodes'] as const;

export function ValidationPanel({ topo, busy }: { topo: TopologyReport | null; busy: boolean }) {
  const { t } = useI18n();
  // the answer is in the DOM (before the browser paints it): the paint probe's panel half
  useLayoutEffect(() => void (topo && paintProbe.panelShown()), [topo]);
  const s = topo?.summary;
  const clean = s && V_KEYS.every((k) => s[k] === 0);
  return (
    <section className="panel studio-validation" data-testid="studio-validation" data-overlaps={s?.overlaps ?? ''} data-gaps={s?.gaps ?? ''}>
      <h2>
        {t('studio.validation')} {busy && <span className="muted">{t('studio.checking')}</span>}
      </h2>
      {s && clean && <p className="ok">✓ {t('studio.ok')}</p>}
      {s && !clean && (
        <ul className="findings">
          {V_KEYS.filter((k) => s[k] > 0).map((k) => (
            <li key={k} className={`finding ${k}`}>
              {t(`studio.v.${k}`)} <b>{s[k]}</b>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const fmt = (m: BalanceMetric, v: number) => (m === 'compactness' ? v.toFixed(2) : m === 'areaM2' ? Math.round(v).toLocaleString() : String(v));

/** The balance table re-renders only when its own inputs change (not on every topology answer). */
export const BalancePanel = memo(function BalancePanel(props: {
  balance: BalanceReport | null;
  metric: BalanceMetric;
  target: { min: number; max: number };
  selected: string[];
  /** the parent's name: grid names that start with it are shown without it (the full name in the tooltip) */
  parentName: string;
  onMetric(m: BalanceMetric): void;
  onTarget(t: { min: number; max: number }): void;
  onPick(code: string): void;
}) {
  const { t } = useI18n();
  const b = props.balance;
  return (
    <section className="panel studio-balance" data-testid="studio-balance" data-spread={b?.spread.maxMin ?? ''} data-grids={b?.grids.length ?? 0}>
      <h2>{t('studio.balance')}</h2>
      <div className="row">
        <label>
          {t('studio.target')} <input type="number" min={0} value={props.target.min} onChange={(e) => props.onTarget({ ...props.target, min: Number(e.target.value) })} />–
          <input type="number" min={0} value={props.target.max} onChange={(e) => props.onTarget({ ...props.target, max: Number(e.target.value) })} />
        </label>
        <label>
          {t('studio.colourBy')}{' '}
          <select value={props.metric} onChange={(e) => props.onMetric(e.target.value as BalanceMetric)} data-testid="studio-metric">
            {BALANCE_METRICS.map((m) => (
              <option key={m} value={m}>
                {t(`studio.metric.${m}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {b && (
        <>
          <p className="muted">{t('studio.spread', { mm: b.spread.maxMin ?? '—', sd: b.spread.stdDev, c: b.spread.medianCompactness })}</p>
          <div className="balance-scroll">
            <table className="balance-table">
              <thead>
                <tr>
                  <th>{t('studio.name')}</th>
                  {(['households', 'people', 'places', 'events90d', 'compactness'] as const).map((m) => (
                    <th key={m} className={m === props.metric ? 'on' : ''}>
                      {t(`studio.metric.${m}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {b.grids.map((g) => (
                  <tr key={g.code} className={`${props.selected.includes(g.code) ? 'sel' : ''} ${g.outlier ?? ''}`} onClick={() => props.onPick(g.code)}>
                    <td title={g.name}>{props.parentName && g.name.startsWith(props.parentName) && g.name.length > props.parentName.length ? g.name.slice(props.parentName.length) : g.name}</td>
                    <td>
                      {g.households}
                      {g.outlier && <span className={`tag ${g.outlier}`}>{t(`studio.outlier.${g.outlier}`)}</span>}
                    </td>
                    <td>{g.people}</td>
                    <td>{g.places}</td>
                    <td>{g.events90d}</td>
                    <td>{fmt('compactness', g.compactness)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
});

export function RepairPanel({ report, nameOf, onKeep, onDiscard }: { report: RepairReport; nameOf(code: string | null): string; onKeep(): void; onDiscard(): void }) {
  const { t } = useI18n();
  return (
    <section className="panel studio-repair" data-testid="studio-repair">
      <h2>{t('studio.repair')}</h2>
      <p className="muted" data-testid="studio-repair-summary">
        {V_KEYS.filter((k) => report.before[k] || report.after[k])
          .map((k) => `${t(`studio.v.${k}`)} ${report.before[k]} → ${report.after[k]}`)
          .join(' · ')}
      </p>
      {report.changes.length === 0 ? (
        <p>{t('studio.repair.none')}</p>
      ) : (
        <ol className="repair-list">
          {report.changes.slice(0, 50).map((c, i) => (
            <li key={i}>
              {t(`studio.repair.action.${c.action}`)} · {nameOf(c.from)} → {nameOf(c.to)} · {Math.round(c.areaM2).toLocaleString()} m²
            </li>
          ))}
        </ol>
      )}
      <div className="row">
        <button type="button" onClick={onKeep} disabled={report.changes.length === 0} data-testid="studio-repair-keep">
          {t('studio.repair.keep')}
        </button>
        <button type="button" onClick={onDiscard}>
          {t('studio.repair.discard')}
        </button>
      </div>
    </section>
  );
}

export function ImpactPanel({ impact, nameOf }: { impact: ImpactReport; nameOf(code: string | null): string }) {
  const { t } = useI18n();
  return (
    <section className="panel studio-impact" data-testid="studio-impact" data-people={impact.people}>
      <h2>{t('studio.impact')}</h2>
      <dl className="impact">
        {(['people', 'places', 'objects', 'organizations', 'openEvents'] as const).map((k) => (
          <div key={k}>
            <dt>{t(`studio.impact.${k}`)}</dt>
            <dd>{impact[k]}</dd>
          </div>
        ))}
        {(['added', 'removed', 'reshaped'] as const).map((k) => (
          <div key={k}>
            <dt>{t(`studio.impact.${k}`)}</dt>
            <dd>{impact.areas[k].length}</dd>
          </div>
        ))}
      </dl>
      {impact.staff.losing.length > 0 && (
        <p>
          {t('studio.impact.staffLosing')}: {impact.staff.losing.map((s) => `${s.name}（${nameOf(s.code)}）`).join('、')}
        </p>
      )}
      {impact.staff.unstaffed.length > 0 && (
        <p>
          {t('studio.impact.unstaffed')}: {impact.staff.unstaffed.map(nameOf).join('、')}
        </p>
      )}
    </section>
  );
}
