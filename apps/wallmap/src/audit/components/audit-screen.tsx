import { useEffect, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/i18n-context';
import { errorText } from '../../i18n/error-text';
import type { ScreenProps } from '../../shell/routes';
import { EMPTY_SEARCH, exportAudit, searchAudit, type AuditEntry, type AuditSearch } from '../api/audit-api';
import { useLatest } from '../../shell/hooks/use-latest';

/** Actions and record kinds the log holds, for the pickers (labels from the dictionary). */
const ACTIONS = [
  'create',
  'update',
  'import',
  'read_unmasked',
  'publish',
  'revoke',
  'logout',
  'accept',
  'register',
  'dispatch',
  'summon',
  'report_in',
  'start',
  'feedback',
  'verify',
  'close',
  'evaluate',
  'return',
  'reject',
  'void',
  'request_extension',
  'approve_extension',
  'deny_extension',
  'defer',
  'resume',
  'put_on_account',
  'self_handle',
  'place',
  'escalate',
  'merge',
];
const ENTITIES = ['event', 'person', 'place', 'object', 'organization', 'household', 'area_version', 'grid_staff', 'user', 'api_key', 'attachment', 'session'];

/** The auditor's screen (`/audit`): search the audit log by actor, action, record and period; export what was found. */
export function AuditScreen({ onStatus }: ScreenProps) {
  const { t, lang } = useI18n();
  const tLatest = useLatest(t);
  const [form, setForm] = useState<AuditSearch>(EMPTY_SEARCH);
  const [query, setQuery] = useState<AuditSearch>(EMPTY_SEARCH);
  const [rows, setRows] = useState<AuditEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  useEffect(() => onStatus(null), [onStatus]);
  useEffect(() => {
    let alive = true;
    setError(null);
    searchAudit(query).then(
      (r) => {
        if (!alive) return;
        setRows(r);
        setMore(r.length === 100);
      },
      (e: unknown) => alive && setError(errorText(tLatest.current, e).text),
    );
    return () => {
      alive = false;
    };
  }, [query, tLatest]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ ...form });
  };
  const set = (k: keyof AuditSearch, v: string) => setForm((f) => ({ ...f, [k]: v }));
  // the log's own words in the screen's language: audit labels first, then the case actions' names
  const label = (kind: 'action' | 'entity', v: string) => {
    for (const key of kind === 'action' ? [`audit.action.${v}`, `action.${v}`] : [`audit.entity.${v}`]) {
      const s = t(key);
      if (s !== key.slice(key.indexOf('.') + 1)) return s;
    }
    return t('audit.other');
  };
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  return (
    <main className="page audit" data-testid="audit">
      <form className="panel audit-search" onSubmit={submit} data-testid="audit-search">
        <h2>{t('audit.title')}</h2>
        <label>
          {t('audit.actor')}
          <input name="actor" value={form.actor} onChange={(e) => set('actor', e.target.value)} placeholder={t('audit.actorHint')} />
        </label>
        <label>
          {t('audit.action')}
          <select name="action" value={form.action} onChange={(e) => set('action', e.target.value)}>
            <option value="">{t('filters.all')}</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {label('action', a)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.entity')}
          <select name="entity" value={form.entity} onChange={(e) => set('entity', e.target.value)}>
            <option value="">{t('filters.all')}</option>
            {ENTITIES.map((a) => (
              <option key={a} value={a}>
                {label('entity', a)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.entityId')}
          <input name="entityId" value={form.entityId} onChange={(e) => set('entityId', e.target.value)} />
        </label>
        <label>
          {t('audit.from')}
          <input name="from" type="datetime-local" value={form.from} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label>
          {t('audit.to')}
          <input name="to" type="datetime-local" value={form.to} onChange={(e) => set('to', e.target.value)} />
        </label>
        <div className="form-buttons">
          <button type="submit" className="primary" data-testid="audit-submit">
            {t('audit.search')}
          </button>
          <button type="button" onClick={() => void exportAudit(query).catch((e: unknown) => setError(errorText(t, e).text))} data-testid="audit-export">
            {t('audit.export')}
          </button>
        </div>
        <p className="muted small">{t('audit.exportHint')}</p>
      </form>
      <section className="panel audit-results">
        {error && <p className="error">{error}</p>}
        {rows && !rows.length && <p className="muted">{t('audit.none')}</p>}
        {rows && rows.length > 0 && (
          <table className="audit-table" data-testid="audit-rows">
            <thead>
              <tr>
                <th>{t('audit.at')}</th>
                <th>{t('audit.actor')}</th>
                <th>{t('audit.action')}</th>
                <th>{t('audit.entity')}</th>
                <th>{t('audit.entityId')}</th>
                <th>{t('audit.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-audit-id={r.id} data-entity={r.entity} data-entity-id={r.entityId ?? ''}>
                  <td>{new Date(r.at).toLocaleString(locale, { hour12: false })}</td>
                  {/* the display name: the account name is a search term and in the export, not on screen */}
                  <td>{r.actorDisplayName ?? (r.actorKind === 'system' ? t('audit.system') : r.actorKind === 'api_key' ? t('audit.apiKey') : t('audit.noName'))}</td>
                  <td>{label('action', r.action)}</td>
                  <td>{label('entity', r.entity)}</td>
                  <td>{r.entityId ?? '—'}</td>
                  <td>
                    {r.after !== null && r.after !== undefined && (
                      <button type="button" onClick={() => setOpen(open === r.id ? null : r.id)}>
                        {open === r.id ? t('audit.hide') : t('audit.show')}
                      </button>
                    )}
                    {open === r.id && <pre className="audit-json">{JSON.stringify(r.after, null, 1)}</pre>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {more && rows && (
          <button
            type="button"
            onClick={() =>
              void searchAudit(query, rows[rows.length - 1].id).then(
                (r) => {
                  setRows([...rows, ...r]);
                  setMore(r.length === 100);
                },
                (e: unknown) => setError(errorText(t, e).text),
              )
            }
          >
            {t('audit.more')}
          </button>
        )}
      </section>
    </main>
  );
}
