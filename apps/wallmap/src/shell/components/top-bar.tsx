import { useEffect, useState, type ReactNode } from 'react';
import type { Role } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import type { ConnectionStatus } from '../../live/state/connection';

interface Props {
  /** the screen's live connection; null when the screen has none */
  status: ConnectionStatus | null;
  user: string;
  roles: readonly Role[];
  onSignOut(): void;
  /** the navigation between screens */
  children?: ReactNode;
}

export function TopBar({ status, user, roles, onSignOut, children }: Props) {
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
      {children}
      <div className="top-right">
        <time className="clock" dateTime={now.toISOString()}>
          {now.toLocaleDateString(locale, { month: '2-digit', day: '2-digit', weekday: 'short' })} <b>{now.toLocaleTimeString(locale, { hour12: false })}</b>
        </time>
        {status && (
          <span className={`conn conn-${status}`} data-testid="connection" data-status={status}>
            <i /> {t(`conn.${status}`)}
          </span>
        )}
        <button type="button" className="lang-switch" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
          {t('lang.switch')}
        </button>
        <span className="muted user" title={roles.map((r) => t(`role.${r}`)).join('、')}>
          {user}
        </span>
        <button type="button" data-testid="sign-out" onClick={onSignOut}>
          {t('signout')}
        </button>
      </div>
    </header>
  );
}
