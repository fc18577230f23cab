import { useEffect, useState } from 'react';
import { URGENCIES } from '@gc/contracts';
import { transition } from '../../events/api/events-api';
import { useI18n } from '../../i18n/i18n-context';
import { errorText } from '../../i18n/error-text';
import type { Catalog } from '../../catalog/hooks/use-catalog';
import { createEvent, fetchNearby, searchAreas, searchPlaces, uploadAttachment, type NearbyCase, type PlaceHit } from '../api/intake-api';
import { EMPTY_DRAFT, intakeBody, maskName, maskPhone, missing, type IntakeDraft } from '../state/intake';
import type { AreaDetail, AreaSummary } from '@gc/contracts';
import { bboxOf } from '@gc/geo';
import { api } from '../../auth/api/http';
import { useLatest } from '../../shell/hooks/use-latest';

interface Props {
  /** kept mounted but off screen while the operator looks at a case: the draft survives */
  hidden?: boolean;
  catalog: Catalog;
  /** a place picked on the map */
  pick: [number, number] | null;
  onPickClear(): void;
  onFly(center: [number, number]): void;
  onClose(): void;
  onOpenCase(id: number): void;
}

/** A phone or walk-in report: caller, place, category (with its routing), urgency, description, attachments; duplicates first. */
export function IntakeForm({ hidden = false, catalog, pick, onPickClear, onFly, onClose, onOpenCase }: Props) {
  const { t, lang } = useI18n();
  const tLatest = useLatest(t);
  const [d, setD] = useState<IntakeDraft>(EMPTY_DRAFT);
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<{ places: PlaceHit[]; areas: AreaSummary[] } | null>(null);
  const [nearby, setNearby] = useState<NearbyCase[] | null>(null);
  const [declined, setDeclined] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ id: number; merged: number | null } | null>(null);
  const set = <K extends keyof IntakeDraft>(k: K, v: IntakeDraft[K]) => setD((x) => ({ ...x, [k]: v }));

  // a map pick sets the place (its address stays as typed)
  useEffect(() => {
    if (pick) setD((x) => ({ ...x, lon: pick[0], lat: pick[1] }));
  }, [pick]);
  // possible duplicates near the place, same category first, asked again when either changes
  useEffect(() => {
    let alive = true;
    setDeclined(false);
    if (d.lon === null || d.lat === null) return setNearby(null);
    fetchNearby(d.lon, d.lat, d.category).then(
      (list) => alive && setNearby(list),
      (e: unknown) => alive && setError(errorText(tLatest.current, e).text),
    );
    return () => {
      alive = false;
    };
  }, [d.lon, d.lat, d.category, tLatest]);

  const search = async () => {
    const term = q.trim();
    if (!term) return;
    setError(null);
    try {
      const [places, areas] = await Promise.all([searchPlaces(term), searchAreas(term)]);
      setHits({ places, areas });
    } catch (e) {
      setError(errorText(t, e).text);
    }
  };
  const category = catalog.categories.find((c) => c.code === d.category);
  const todo = missing(d);
  const mustDecide = !!nearby?.length && !declined;
  const save = async (mergeInto: number | null) => {
    setBusy(true);
    setError(null);
    try {
      const created = await createEvent(intakeBody(d, category ? (lang === 'en' ? category.nameEn : category.name) : ''));
      // the same problem is already a case: this report joins it (kept, voided as its duplicate)
      if (mergeInto !== null) await transition(created.id, { action: 'merge', into: mergeInto, note: t('intake.mergeNote') });
      setSaved({ id: created.id, merged: mergeInto });
    } catch (e) {
      setError(errorText(t, e).text);
    } finally {
      setBusy(false);
    }
  };

  if (saved) {
    const number = saved.merged ?? saved.id;
    return (
      <section className="panel intake" data-testid="intake-saved" data-event-id={saved.id} hidden={hidden}>
        <h2>{t('intake.title')}</h2>
        <p className="ok">{saved.merged ? t('intake.merged', { id: saved.merged }) : t('intake.saved')}</p>
        <p className="readback">
          {t('intake.readback')} <b data-testid="case-number">{number}</b>
        </p>
        <div className="form-buttons">
          <button type="button" className="primary" onClick={() => onOpenCase(number)}>
            {t('intake.openCase')}
          </button>
          <button
            type="button"
            onClick={() => {
              setSaved(null);
              setD(EMPTY_DRAFT);
              onPickClear();
            }}
          >
            {t('intake.another')}
          </button>
        </div>
      </section>
    );
  }
  return (
    <section className="panel intake" data-testid="intake" hidden={hidden}>
      <header>
        <h2>{t('intake.title')}</h2>
        <button type="button" onClick={onClose} aria-label={t('detail.close')}>
          ×
        </button>
      </header>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!todo.length && !mustDecide) void save(null);
        }}
      >
        <fieldset>
          <legend>{t('intake.caller')}</legend>
          <div className="radio-row">
            {(['hotline', 'resident'] as const).map((c) => (
              <label key={c} className="check">
                <input type="radio" name="channel" checked={d.channel === c} onChange={() => set('channel', c)} /> {t(`intake.channel.${c}`)}
              </label>
            ))}
          </div>
          <div className="two">
            <input name="callerName" placeholder={t('intake.callerName')} value={d.callerName} onChange={(e) => set('callerName', e.target.value)} maxLength={64} />
            <input name="callerPhone" placeholder={t('intake.callerPhone')} value={d.callerPhone} onChange={(e) => set('callerPhone', e.target.value)} inputMode="tel" maxLength={20} />
          </div>
          {(d.callerName || d.callerPhone) && (
            <p className="muted small" data-testid="caller-masked">
              {t('intake.maskedAs')} {maskName(d.callerName)} {d.callerPhone ? maskPhone(d.callerPhone) : ''}
            </p>
          )}
        </fieldset>
        <fieldset>
          <legend>{t('intake.place')}</legend>
          <div className="two">
            <input
              name="placeSearch"
              placeholder={t('intake.placeSearch')}
              value={q}
              onChange={(e) => setQ(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void search();
                }
              }}
            />
            <button type="button" onClick={() => void search()} data-testid="place-search">
              {t('intake.search')}
            </button>
          </div>
          {hits && (
            <ul className="hits" data-testid="place-hits">
              {hits.places.map((p) => (
                <li key={`p${p.id}`}>
                  <button
                    type="button"
                    data-place-id={p.id}
                    onClick={() => {
                      setD((x) => ({ ...x, lon: p.location.lon, lat: p.location.lat, address: p.address ?? p.name }));
                      onFly([p.location.lon, p.location.lat]);
                      setHits(null);
                    }}
                  >
                    {p.name}{' '}
                    <span className="muted small">
                      {p.address ?? ''} {p.grid?.name ?? ''}
                    </span>
                  </button>
                </li>
              ))}
              {hits.areas.map((a) => (
                <li key={`a${a.code}`}>
                  <button
                    type="button"
                    onClick={() => {
                      setHits(null);
                      // fly to the area; the operator picks the spot on the map
                      void api<AreaDetail>('GET', `/api/areas/${encodeURIComponent(a.code)}`).then((ad) => {
                        const b = bboxOf(ad.geometry);
                        if (b) onFly([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2]);
                      });
                    }}
                  >
                    {a.name} <span className="muted small">{t('intake.areaHint')}</span>
                  </button>
                </li>
              ))}
              {!hits.places.length && !hits.areas.length && <li className="muted">{t('search.none')}</li>}
            </ul>
          )}
          <input name="address" placeholder={t('intake.address')} value={d.address} onChange={(e) => set('address', e.target.value)} maxLength={300} />
          <p className="muted small" data-testid="intake-point">
            {d.lon !== null && d.lat !== null ? t('intake.located', { lon: d.lon.toFixed(5), lat: d.lat.toFixed(5) }) : t('intake.pickHint')}
          </p>
        </fieldset>
        <fieldset>
          <legend>{t('intake.what')}</legend>
          <select name="category" value={d.category} onChange={(e) => set('category', e.target.value)} data-testid="intake-category">
            <option value="">{t('intake.category')}</option>
            {catalog.categories.map((c) => (
              <option key={c.code} value={c.code}>
                {c.groupName ? `${c.groupName} · ` : ''}
                {lang === 'en' ? c.nameEn : c.name}
              </option>
            ))}
          </select>
          {category && (
            <p className="muted small" data-testid="intake-routing">
              {t('intake.routing')} {category.departments.map((code) => catalog.deptName(code)).join('、') || '—'}
            </p>
          )}
          <div className="radio-row">
            {URGENCIES.map((u) => (
              <label key={u} className="check">
                <input type="radio" name="urgency" checked={d.urgency === u} onChange={() => set('urgency', u)} /> {t(`urgency.${u}`)}
              </label>
            ))}
          </div>
          <input name="title" placeholder={t('intake.titleHint')} value={d.title} onChange={(e) => set('title', e.target.value)} maxLength={200} />
          <textarea name="description" rows={3} placeholder={t('intake.description')} value={d.description} onChange={(e) => set('description', e.target.value)} maxLength={4000} />
          <label className="file-button">
            {t('intake.attachments')} <span className="button-like">{t('intake.attach')}</span>
            <input
              hidden
              type="file"
              accept="image/jpeg,image/png,image/webp,application/pdf"
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f)
                  void uploadAttachment(f).then(
                    (a) => setD((x) => ({ ...x, attachments: [...x.attachments, a] })),
                    (err: unknown) => setError(errorText(t, err).text),
                  );
              }}
            />
          </label>
          {d.attachments.length > 0 && (
            <p className="muted small" data-testid="intake-attachments">
              {d.attachments.map((a) => a.name).join('、')}
            </p>
          )}
        </fieldset>
        {nearby && nearby.length > 0 && (
          <div className={`duplicates${declined ? ' declined' : ''}`} data-testid="duplicates">
            <h4>{t('intake.duplicates', { n: nearby.length })}</h4>
            <ul>
              {nearby.map((n) => (
                <li key={n.id} data-event-id={n.id}>
                  <span>
                    #{n.id} {n.title}{' '}
                    <span className="muted small">
                      {t('intake.distance', { m: n.distanceM })} · {t(`state.${n.state}`)}
                    </span>
                  </span>
                  <button type="button" disabled={busy || todo.length > 0} onClick={() => void save(n.id)} data-testid="merge-into">
                    {t('intake.mergeInto')}
                  </button>
                </li>
              ))}
            </ul>
            {!declined && (
              <button type="button" onClick={() => setDeclined(true)} data-testid="not-duplicate">
                {t('intake.notDuplicate')}
              </button>
            )}
          </div>
        )}
        {todo.length > 0 && <p className="muted small">{todo.map((k) => t(k)).join('；')}</p>}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="form-buttons">
          <button type="submit" className="primary" disabled={busy || todo.length > 0 || mustDecide} data-testid="intake-save" title={mustDecide ? t('intake.decideFirst') : undefined}>
            {t('intake.save')}
          </button>
          <button type="button" onClick={onClose}>
            {t('action.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
