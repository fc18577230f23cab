import { useState, type FormEvent } from 'react';
import type { AreaDetail, AreaSummary } from '@gc/contracts';
import { api } from '../../auth/api/http';
import { useI18n } from '../../i18n/i18n-context';
import { bboxOf } from '@gc/geo';

interface Props {
  onFly(bbox: [number, number, number, number]): void;
}

/** Fly to an area by code or name: GET /api/areas?q= then its geometry. */
export function AreaSearch({ onFly }: Props) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<AreaSummary[]>([]);
  const [msg, setMsg] = useState<string | null>(null);

  const fly = async (code: string) => {
    const d = await api<AreaDetail>('GET', `/api/areas/${encodeURIComponent(code)}`);
    const b = bboxOf(d.geometry);
    if (b) onFly(b);
    setHits([]);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMsg(null);
    const term = q.trim();
    if (!term) return;
    try {
      const r = await api<{ areas: AreaSummary[] }>('GET', `/api/areas?q=${encodeURIComponent(term)}&limit=10`);
      const exact = r.areas.find((a) => a.code === term || a.name === term);
      if (exact || r.areas.length === 1) await fly((exact ?? r.areas[0]).code);
      else if (r.areas.length) setHits(r.areas);
      else setMsg(t('search.none'));
    } catch (err) {
      setMsg(err instanceof Error ? err.message : t('error.generic'));
    }
  };
  return (
    <form className="search" onSubmit={(e) => void submit(e)} data-testid="area-search">
      <input type="search" value={q} placeholder={t('search.placeholder')} onChange={(e) => setQ(e.target.value)} />
      {msg && <div className="muted small">{msg}</div>}
      {hits.length > 0 && (
        <ul className="hits">
          {hits.map((a) => (
            <li key={a.code}>
              <button type="button" onClick={() => void fly(a.code)}>
                {a.name} <span className="muted">{a.code}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
