import { useEffect, useState } from 'react';
import type { Permission } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import { errorText } from '../../i18n/error-text';
import type { Catalog } from '../../catalog/hooks/use-catalog';
import { summon, transition } from '../api/events-api';
import type { EventDetail } from '@gc/contracts';
import { actionControls, type ActionSpec } from '../state/action-catalog';
import { WorkerSuggestions } from '../../field/components/worker-suggestions';

interface Props {
  detail: EventDetail | null;
  permissions: readonly Permission[];
  catalog: Catalog;
  open: boolean;
  onDone(): void;
  /** placing a case: the point picked on the map, and a way to ask for (or stop) a pick; absent where there is no map */
  pick?: [number, number] | null;
  onPickMode?(on: boolean): void;
}

/** One control per legal action, each with the input it needs; a disabled control says why. */
export function EventActions({ detail, permissions, catalog, open, onDone, pick = null, onPickMode }: Props) {
  const { t, lang } = useI18n();
  const [active, setActive] = useState<ActionSpec | null>(null);
  const [note, setNote] = useState('');
  const [dept, setDept] = useState('');
  const [depts, setDepts] = useState<string[]>([]);
  const [minutes, setMinutes] = useState(30);
  const [into, setInto] = useState('');
  const [passed, setPassed] = useState(true);
  const [satisfaction, setSatisfaction] = useState(5);
  const [assignee, setAssignee] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string; code?: string | null; legal: string[] } | null>(null);
  const controls = actionControls(permissions, detail?.legalActions, open).filter((c) => c.spec.input !== 'point' || onPickMode);
  // the map picks a point only while the place form is open
  useEffect(() => {
    onPickMode?.(active?.input === 'point');
  }, [active, onPickMode]);
  useEffect(() => () => onPickMode?.(false), [onPickMode]);
  const suggested = catalog.categories.find((c) => c.code === detail?.category)?.departments ?? [];
  const dname = (code: string) => {
    const d = catalog.departments.find((x) => x.code === code);
    return d ? (lang === 'en' ? d.nameEn : d.name) : '…';
  };

  const choose = (spec: ActionSpec) => {
    setResult(null);
    setNote('');
    if (spec.input === 'department') {
      setDept(detail?.department ?? suggested[0] ?? '');
      setAssignee(null);
    }
    if (spec.input === 'departments') setDepts(suggested.slice(0, 2));
    if (spec.input === 'none') void send(spec);
    else setActive(spec);
  };

  const send = async (spec: ActionSpec) => {
    if (!detail) return;
    setBusy(true);
    setResult(null);
    try {
      if (spec.action === 'summon') await summon(detail.id, depts, minutes, note || undefined);
      else {
        const body: Record<string, unknown> = { action: spec.action };
        if (note.trim()) body.note = note.trim();
        if (spec.input === 'department' && dept) body.department = dept;
        if (spec.action === 'dispatch' && assignee !== null) body.assignee = assignee;
        if (spec.input === 'minutes') body.minutes = minutes;
        if (spec.input === 'into') body.into = Number(into);
        if (spec.input === 'passed') body.passed = passed;
        if (spec.input === 'satisfaction') body.satisfaction = satisfaction;
        if (spec.input === 'point' && pick) Object.assign(body, { lon: pick[0], lat: pick[1] });
        await transition(detail.id, body);
      }
      setResult({ ok: true, text: `${t(`action.${spec.action}`)} · ${t('detail.done')}`, legal: [] });
      setActive(null);
      onDone();
    } catch (err) {
      const r = errorText(t, err);
      setResult({ ok: false, text: r.text, code: r.code, legal: r.legal });
    } finally {
      setBusy(false);
    }
  };

  const ready = active && !(active.needsNote && !note.trim()) && !(active.input === 'department' && !dept) && !(active.input === 'departments' && !depts.length) && !(active.input === 'into' && !/^\d+$/.test(into)) && !(active.input === 'point' && !pick);
  return (
    <div className="event-actions">
      <div className="actions" data-testid="actions">
        {controls.map(({ spec, enabled, reason }) => {
          const why = reason ? t(`reason.${reason}`, { state: detail ? t(`state.${detail.state}`) : '' }) : undefined;
          return (
            <button
              key={spec.action}
              type="button"
              data-action={spec.action}
              className={active === spec ? 'on' : ''}
              disabled={busy || !enabled}
              title={why}
              aria-description={why}
              onClick={() => choose(spec)}
            >
              {t(`action.${spec.action}`)}
            </button>
          );
        })}
      </div>
      {active && (
        <form
          className="action-form"
          data-testid={`form-${active.action}`}
          onSubmit={(e) => {
            e.preventDefault();
            void send(active);
          }}
        >
          <h5>{t(`action.${active.action}`)}</h5>
          {active.input === 'department' && (
            <label>
              {t('action.toDepartment')}
              <select value={dept} onChange={(e) => setDept(e.target.value)} data-testid="dispatch-department">
                <option value="">—</option>
                {catalog.departments.map((d) => (
                  <option key={d.code} value={d.code}>
                    {dname(d.code)}
                    {suggested[0] === d.code ? ` (${t('action.suggested')})` : ''}
                  </option>
                ))}
              </select>
            </label>
          )}
          {active.action === 'dispatch' && detail && (
            <WorkerSuggestions lon={detail.lon} lat={detail.lat} gridCode={detail.grid?.code ?? null} value={assignee} onChange={setAssignee} />
          )}
          {active.input === 'departments' && (
            <fieldset className="dept-checks" data-testid="summon-departments">
              <legend>{t('action.summonWho')}</legend>
              {catalog.departments.map((d) => (
                <label key={d.code} className="check">
                  <input type="checkbox" value={d.code} checked={depts.includes(d.code)} onChange={(e) => setDepts((cur) => (e.target.checked ? [...cur, d.code] : cur.filter((c) => c !== d.code)))} />
                  {dname(d.code)}
                  {suggested.includes(d.code) ? <span className="muted small">（{t('action.suggested')}）</span> : null}
                </label>
              ))}
            </fieldset>
          )}
          {(active.input === 'minutes' || active.input === 'departments') && (
            <label>
              {active.input === 'departments' ? t('action.reportWithin') : t('action.extensionMinutes')}
              <input type="number" min={1} max={10080} value={minutes} onChange={(e) => setMinutes(Number(e.target.value) || 1)} data-testid="action-minutes" />
            </label>
          )}
          {active.input === 'point' && (
            <p className="muted small" data-testid="place-point">
              {pick ? t('intake.located', { lon: pick[0].toFixed(5), lat: pick[1].toFixed(5) }) : t('action.pickOnMap')}
            </p>
          )}
          {active.input === 'into' && (
            <label>
              {t('action.mergeInto')}
              <input inputMode="numeric" value={into} onChange={(e) => setInto(e.target.value.replace(/\D/g, ''))} placeholder="#" />
            </label>
          )}
          {active.input === 'passed' && (
            <div className="radio-row">
              <label className="check">
                <input type="radio" checked={passed} onChange={() => setPassed(true)} /> {t('action.verifyPassed')}
              </label>
              <label className="check">
                <input type="radio" checked={!passed} onChange={() => setPassed(false)} /> {t('action.verifyFailed')}
              </label>
            </div>
          )}
          {active.input === 'satisfaction' && (
            <label>
              {t('action.satisfaction')}
              <select value={satisfaction} onChange={(e) => setSatisfaction(Number(e.target.value))}>
                {[5, 4, 3, 2, 1].map((n) => (
                  <option key={n} value={n}>
                    {t(`satisfaction.${n}`)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            {active.needsNote ? t('action.reason') : t('action.note')}
            <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} required={active.needsNote} />
          </label>
          <div className="form-buttons">
            <button type="submit" className="primary" disabled={busy || !ready} data-testid="action-confirm">
              {t('action.confirm')}
            </button>
            <button type="button" onClick={() => setActive(null)}>
              {t('action.cancel')}
            </button>
          </div>
        </form>
      )}
      {result && (
        <div className={result.ok ? 'ok' : 'error'} role="status" data-testid="action-result" data-code={result.code ?? undefined}>
          {result.text}
          {result.legal.length > 0 && (
            <div>
              {t('detail.allowed')}：{result.legal.map((l) => t(`action.${l}`)).join('、')}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
