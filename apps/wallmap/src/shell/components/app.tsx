import { useEffect, useState } from 'react';
import { getSession, onSession, refreshSession } from '../../auth/api/http';
import { refreshDelay } from '../../auth/state/session';
import { SignIn } from '../../auth/components/sign-in';
import { I18nProvider } from '../../i18n/i18n-context';
import { Shell } from './shell';

export function App() {
  const [session, setSessionState] = useState(getSession);
  useEffect(() => onSession(setSessionState), []);
  // refresh the access token before it expires
  useEffect(() => {
    if (!session) return;
    const h = setTimeout(() => void refreshSession(), refreshDelay(session, Date.now()));
    return () => clearTimeout(h);
  }, [session]);
  return <I18nProvider>{session ? <Shell session={session} /> : <SignIn />}</I18nProvider>;
}
