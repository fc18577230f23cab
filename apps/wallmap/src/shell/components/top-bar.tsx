import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n-context';
import type { ConnectionStatus } from '../../live/state/connection';

interface Props {
  status: ConnectionStatus;
  user: string;
  onSignOut(): void;
}

export function TopBar({ status, user, onSignOut }: Props) {
  const { t, lang, setLang } = useI18n();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const h = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(h);
  }, []);
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  return (
    <header className="top-bar">
      <h1>{t('title')}</h1>
      <div className="top-right">
        <time className="clock" dateTime={now.toISOString()}>
          {now.toLocaleDateString(locale, { year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' })}{' '}
          <b>{now.toLocaleTimeString(locale, { hour12: false })}</b>
        </time>
        <span className={`conn conn-${status}`} data-testid="connection" data-status={status}>
          <i /> {t(`conn.${status}`)}
        </span>
        <button type="button" className="lang-switch" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
          {t('lang.switch')}
        </button>
        <span className="muted">{user}</span>
        <button type="button" data-testid="sign-out" onClick={onSignOut}>
          {t('signout')}
        </button>
      </div>
    </header>
  );
}
