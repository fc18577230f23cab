import type { SupervisionWarning } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import { svText, type SvKey } from '../i18n/supervision-dictionary';

interface Props {
  items: SupervisionWarning[];
  fresh: number[];
  canHandle: boolean;
  onHandle(id: number, status: 'acknowledged' | 'dismissed'): void;
  /** the wall's panel: open warnings only, in a short scrolling list */
  compact?: boolean;
}

const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(0)}%` : '—');

/** Why a warning was raised, from its figures, in the screen's language. */
export function warningWhy(lang: 'zh' | 'en', w: SupervisionWarning): string {
  const f = w.figures as Record<string, string | number>;
  const category = String((lang === 'en' ? (f.categoryNameEn ?? f.categoryName) : f.categoryName) ?? '');
  switch (w.kind) {
    case 'spike':
      // warnings raised before the mix-based rule carry no expectation: said as they were raised
      if (typeof f.expected === 'number')
        return svText(lang, 'sv.warn.why.spikeMix', { category, today: f.today, areaToday: f.areaToday, days: f.baselineDays, expected: f.expected, factor: f.factor, min: f.min, minZ: f.minZ, z: f.z });
      return svText(lang, 'sv.warn.why.spike', { category, today: f.today, baseline: f.baselinePerDay, days: f.baselineDays, factor: f.factor, min: f.min });
    case 'repeat_place':
      return svText(lang, 'sv.warn.why.repeat_place', { category, repeats: f.repeats, min: f.min });
    case 'overdue':
      return svText(lang, 'sv.warn.why.overdue', { open: f.openOverdue, threshold: f.threshold });
    case 'report_in_drop':
      return svText(lang, 'sv.warn.why.report_in_drop', { recent: f.recentDays, recentRate: pct(f.recentRate), base: f.baselineDays, baselineRate: pct(f.baselineRate), drop: pct(f.drop) });
  }
}

/** Early warnings, newest first; open ones can be acknowledged or dismissed; live arrivals are highlighted. */
export function WarningsPanel({ items, fresh, canHandle, onHandle, compact = false }: Props) {
  const { lang } = useI18n();
  const s = (k: SvKey) => svText(lang, k);
  const open = items.filter((w) => w.status === 'open');
  const done = compact ? [] : items.filter((w) => w.status !== 'open').slice(0, 20);
  const item = (w: SupervisionWarning) => (
    <li key={w.id} className={`sv-warning sv-warning-${w.kind} ${fresh.includes(w.id) ? 'sv-fresh' : ''} status-${w.status}`} data-warning-id={w.id} data-kind={w.kind}>
      <div className="feed-line">
        <span className={`sv-warn-kind kind-${w.kind}`}>{s(`sv.warn.kind.${w.kind}` as SvKey)}</span>
        <b>{w.areaName ?? w.departmentName ?? ''}</b>
        <span className="muted small">{new Date(w.raisedAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false })}</span>
      </div>
      <div className="sv-why">{warningWhy(lang, w)}</div>
      {w.status === 'open' && canHandle && (
        <div className="sv-warn-actions">
          <button type="button" onClick={() => onHandle(w.id, 'acknowledged')}>
            {s('sv.warn.ack')}
          </button>
          <button type="button" className="muted" onClick={() => onHandle(w.id, 'dismissed')}>
            {s('sv.warn.dismiss')}
          </button>
        </div>
      )}
      {w.status !== 'open' && (
        <div className="muted small">
          {s(w.status === 'acknowledged' ? 'sv.warn.acknowledged' : 'sv.warn.dismissed')} · {w.handledBy}
        </div>
      )}
    </li>
  );
  return (
    <section className={`panel sv-warnings${compact ? ' sv-warnings-compact' : ''}`} data-testid={compact ? 'wall-warnings' : 'sv-warnings'}>
      <h2>
        {s('sv.warn.title')} <span className="sv-badge">{open.length}</span>
      </h2>
      {(compact ? open : items).length === 0 && <p className="muted">{s('sv.warn.none')}</p>}
      <ol>{open.map(item)}</ol>
      {done.length > 0 && (
        <>
          <h3 className="muted small">{s('sv.warn.handled')}</h3>
          <ol>{done.map(item)}</ol>
        </>
      )}
    </section>
  );
}
