import { useState } from 'react';
import { useI18n } from '../../i18n/i18n-context';
import type { Catalog } from '../../catalog/hooks/use-catalog';
import { newKey } from '../state/outbox';
import { enqueue } from '../state/outbox-sender';

interface Props {
  catalog: Catalog;
  /** the place: tapped on the map, else the last GPS fix */
  pick: [number, number] | null;
  gps: [number, number] | null;
  onUseGps(): void;
  onDone(): void;
}

/**
 * Report on the spot (巡查上报): kept on the phone first, then sent with its Idempotency-Key (and the
 * photo uploaded before it), so a report sent again on a bad network is still one case.
 */
export function ReportForm({ catalog, pick, gps, onUseGps, onDone }: Props) {
  const { t } = useI18n();
  const [category, setCategory] = useState('');
  const [description, setDescription] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const [selfHandle, setSelfHandle] = useState(false);
  const where = pick ?? gps;
  const name = catalog.categoryName(category, null);

  const submit = async () => {
    const title = description.trim().slice(0, 40) || name;
    const key = newKey('report');
    await enqueue({
      key,
      kind: 'report',
      url: '/api/events',
      body: { title, category, description: description.trim() || undefined, source: 'patrol', ...(where ? { lon: where[0], lat: where[1] } : {}) },
      label: title,
      createdAt: Date.now(),
      attempts: 0,
      photo,
      photoName: photo?.name,
      then: selfHandle ? { action: 'self_handle', note: description.trim() || undefined } : undefined,
    });
    setDescription('');
    setPhoto(null);
    setSelfHandle(false);
    onDone();
  };

  return (
    <form
      className="field-form"
      data-testid="report-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        {t('field.report.category')}
        <select value={category} onChange={(e) => setCategory(e.target.value)} required data-testid="report-category">
          <option value="">{t('field.report.choose')}</option>
          {catalog.categories.map((c) => (
            <option key={c.code} value={c.code}>
              {catalog.categoryName(c.code)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('field.report.description')}
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} maxLength={4000} data-testid="report-description" />
      </label>
      <label>
        {t('field.report.photo')}
        <input type="file" accept="image/*" capture="environment" onChange={(e) => setPhoto(e.target.files?.[0] ?? null)} data-testid="report-photo" />
      </label>
      <div className="field-where">
        <span data-testid="report-where">{where ? `${where[0].toFixed(5)}, ${where[1].toFixed(5)}` : t('field.report.noPlace')}</span>
        <button type="button" onClick={onUseGps}>
          {t('field.report.gps')}
        </button>
        <span className="muted small">{t('field.report.tapHint')}</span>
      </div>
      <label className="field-check">
        <input type="checkbox" checked={selfHandle} onChange={(e) => setSelfHandle(e.target.checked)} data-testid="report-self-handle" />
        {t('field.report.selfHandle')}
      </label>
      <button type="submit" className="primary" disabled={!category} data-testid="report-submit">
        {t('field.report.submit')}
      </button>
    </form>
  );
}
