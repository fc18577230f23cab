import { lazy, Suspense, useEffect, useState } from 'react';
import { getSession, onSession, refreshSession } from '../../auth/api/http';
import { refreshDelay } from '../../auth/state/session';
import { SignIn } from '../../auth/components/sign-in';
import { I18nProvider } from '../../i18n/i18n-context';
import { Wall } from './wall';
import { Studio } from '../../studio/components/studio';

/** The grid studio (#18) until the shell's route table takes it: /studio or #/studio. */
const isStudio = () => location.pathname === '/studio' || location.hash === '#/studio';

// loaded on its own (ECharts stays out of the wall's bundle)
const SupervisionPage = lazy(() => import('../../supervision/components/supervision-page').then((m) => ({ default: m.SupervisionPage })));

export function App() {
  const [session, setSessionState] = useState(getSession);
  useEffect(() => onSession(setSessionState), []);
  // refresh the access token before it expires
  useEffect(() => {
    if (!session) return;
    const h = setTimeout(() => void refreshSession(), refreshDelay(session, Date.now()));
    return () => clearTimeout(h);
  }, [session]);
  // issue 19: /supervision for supervisors, administrators and (street) operators, who are evaluated too
  const supervision = window.location.pathname === '/supervision' && session?.user.roles.some((r) => r === 'supervisor' || r === 'admin' || r === 'operator');
  return <I18nProvider>{session ? supervision ? (
        <Suspense fallback={null}>
          <SupervisionPage session={session} />
        </Suspense>
      ) : isStudio() ? <Studio session={session} /> : <Wall session={session} /> : <SignIn />}</I18nProvider>;
}
