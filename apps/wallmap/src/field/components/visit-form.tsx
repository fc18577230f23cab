import { useState } from 'react';
import { useI18n } from '../../i18n/i18n-context';
import { searchPlaces, type PlaceHit } from '../../console/api/intake-api';
import { newKey } from '../state/outbox';
import { enqueue } from '../state/outbox-sender';

/** What a visit found (民情日志 tags); names on screen, codes to the API. */
export const VISIT_TAGS = ['all_well', 'needs_help', 'dispute', 'safety_risk', 'elderly_check', 'moved_away'] as const;

/** Log a household visit (走访) against a place or a household number; kept on the phone until sent. */
export function VisitForm({ onDone }: { onDone(): void }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<PlaceHit[]>([]);
  const [place, setPlace] = useState<PlaceHit | null>(null);
  const [householdNo, setHouseholdNo] = useState('');
  const [notes, setNotes] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  const [searchFailed, setSearchFailed] = useState(false);

  const search = async () => {
    try {
      setHits(await searchPlaces(q));
      setSearchFailed(false);
    } catch {
      setSearchFailed(true); // offline: a household number still works
    }
  };

  const submit = async () => {
    const subject = place ? { placeId: place.id } : { householdNo: householdNo.trim() };
    await enqueue({
      key: newKey('visit'),
      kind: 'visit',
      url: '/api/visits',
      body: { ...subject, notes: notes.trim(), tags, visitedAt: new Date().toISOString() },
      label: place?.name ?? householdNo.trim(),
      createdAt: Date.now(),
      attempts: 0,
    });
    setNotes('');
    setTags([]);
    setPlace(null);
    setHouseholdNo('');
    onDone();
  };

  return (
    <form
      className="field-form"
      data-testid="visit-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        {t('field.visit.place')}
        <span className="field-row">
          <input value={q} onChange={(e) => setQ(e.target.value)} data-testid="visit-search" />
          <button type="button" onClick={() => void search()} disabled={!q.trim()}>
            {t('field.visit.search')}
          </button>
        </span>
      </label>
      {searchFailed && <p className="muted small">{t('field.visit.searchOffline')}</p>}
      {hits.length > 0 && !place && (
        <ul className="field-hits">
          {hits.map((h) => (
            <li key={h.id}>
              <button type="button" onClick={() => setPlace(h)} data-testid="visit-hit">
                {h.name} <span className="muted small">{h.address ?? h.grid?.name ?? ''}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {place && (
        <p data-testid="visit-chosen">
          {place.name}{' '}
          <button type="button" onClick={() => setPlace(null)}>
            {t('field.visit.change')}
          </button>
        </p>
      )}
      {!place && (
        <label>
          {t('field.visit.household')}
          <input value={householdNo} onChange={(e) => setHouseholdNo(e.target.value)} data-testid="visit-household" />
        </label>
      )}
      <fieldset className="field-tags">
        <legend>{t('field.visit.found')}</legend>
        {VISIT_TAGS.map((tag) => (
          <label key={tag} className="field-check">
            <input type="checkbox" checked={tags.includes(tag)} onChange={(e) => setTags(e.target.checked ? [...tags, tag] : tags.filter((x) => x !== tag))} />
            {t(`field.visitTag.${tag}`)}
          </label>
        ))}
      </fieldset>
      <label>
        {t('field.visit.notes')}
        <textarea value={notes} onChange={(e) => setNotes(e.target.value)} rows={3} maxLength={4000} data-testid="visit-notes" />
      </label>
      <button type="submit" className="primary" disabled={!place && !householdNo.trim()} data-testid="visit-submit">
        {t('field.visit.submit')}
      </button>
    </form>
  );
}
