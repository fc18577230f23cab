import { lazy, Suspense, useEffect, useState } from 'react';
import { getSession, onSession, refreshSession } from '../../auth/api/http';
import { refreshDelay } from '../../auth/state/session';
import { SignIn } from '../../auth/components/sign-in';
import { I18nProvider } from '../../i18n/i18n-context';
import { Wall } from './wall';

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
  // issue 19: /supervision for supervisors, administrators and (street) operators, who are evaluated too; the coordinator moves this into the route table of issue 17
  const supervision = window.location.pathname === '/supervision' && session?.user.roles.some((r) => r === 'supervisor' || r === 'admin' || r === 'operator');
  return <I18nProvider>{session ? supervision ? (
        <Suspense fallback={null}>
          <SupervisionPage session={session} />
        </Suspense>
      ) : <Wall session={session} /> : <SignIn />}</I18nProvider>;
}
