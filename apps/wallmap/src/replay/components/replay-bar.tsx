import { useState } from 'react';
import type { LiveMessage } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import { fetchChangesSince } from '../../live/hooks/use-live';
import { DAY_MS, lastDay } from '../state/replay';

interface Props {
  /** null = live; otherwise the moment shown */
  at: number | null;
  changes: LiveMessage[];
  onLoad(changes: LiveMessage[]): void;
  onScrub(at: number | null): void;
}

/** A time scrubber over the last 24 hours of changes (GET /api/changes?since=0, paged). */
export function ReplayBar({ at, changes, onLoad, onScrub }: Props) {
  const { t, lang } = useI18n();
  const [loading, setLoading] = useState(false);
  const now = Date.now();
  const load = async () => {
    setLoading(true);
    const all: LiveMessage[] = [];
    try {
      await fetchChangesSince(0, (page) => all.push(...page));
      onLoad(lastDay(all, Date.now()));
      onScrub(Date.now() - DAY_MS / 2);
    } finally {
      setLoading(false);
    }
  };
  return (
    <section className="replay" data-testid="replay">
      <b>{t('replay.title')}</b>
      {at === null ? (
        <button type="button" disabled={loading} onClick={() => void load()}>
          {loading ? t('replay.loading') : t('replay.load')}
        </button>
      ) : (
        <>
          <input type="range" min={now - DAY_MS} max={now} step={60_000} value={at} onChange={(e) => onScrub(Number(e.target.value))} />
          <time>{new Date(at).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false })}</time>
          <span className="muted small">{t('replay.count', { n: changes.filter((c) => Date.parse(c.at) <= at).length })}</span>
          <button type="button" onClick={() => onScrub(null)}>
            {t('replay.live')}
          </button>
        </>
      )}
    </section>
  );
}
