import { useEffect, useRef, useState } from 'react';
import { signOut } from '../../auth/api/http';
import type { Session } from '../../auth/state/session';
import { useI18n } from '../../i18n/i18n-context';
import type { ConnectionStatus } from '../../live/state/connection';
import { usePath } from '../hooks/use-path';
import { ROUTES } from '../routes';
import { landingFor, resolveRoute, routesFor } from '../state/navigation';
import { TopBar } from './top-bar';

/** The shared frame: top bar with the screens this user may open, and the screen of the path (or the user's landing). */
export function Shell({ session }: { session: Session }) {
  const { t } = useI18n();
  const [path, navigate] = usePath();
  const [status, setStatus] = useState<ConnectionStatus | null>(null);
  // once the user has navigated, `/` is the wall they asked for
  const moved = useRef(false);
  const roles = session.user.roles;
  // signing in (or opening the bare address) lands on the role's own work; any other path is kept
  const [entry] = useState(() => (path === '/' ? (landingFor(ROUTES, roles)?.path ?? '/') : path));
  const route = resolveRoute(ROUTES, roles, path === '/' && entry !== '/' && !moved.current ? entry : path);
  const nav = routesFor(ROUTES, roles);
  // a path this user may not open shows their landing, and the address says so
  useEffect(() => {
    if (route && route.path !== path) navigate(route.path, true);
  }, [route, path, navigate]);
  const Screen = route?.component;
  return (
    <div className={`shell screen-${route ? route.path.slice(1) || 'wall' : 'none'}`}>
      <TopBar status={status} user={session.user.displayName ?? session.user.username} roles={roles} onSignOut={() => void signOut()}>
        {nav.length > 1 && (
          <nav className="app-nav" aria-label={t('nav.label')}>
            {nav.map((r) => (
              <a
                key={r.path}
                href={r.path}
                className={r === route ? 'active' : ''}
                aria-current={r === route ? 'page' : undefined}
                data-nav={r.path}
                onClick={(e) => {
                  e.preventDefault();
                  moved.current = true;
                  navigate(r.path);
                }}
              >
                {t(r.nav)}
              </a>
            ))}
          </nav>
        )}
      </TopBar>
      {Screen ? (
        <Screen key={route.path} session={session} onStatus={setStatus} navigate={navigate} />
      ) : (
        <main className="page">
          <p className="notice warn">{t('nav.none')}</p>
        </main>
      )}
    </div>
  );
}
