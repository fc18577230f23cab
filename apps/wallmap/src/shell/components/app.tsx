import { useEffect, useState } from 'react';
import { getSession, onSession, refreshSession } from '../../auth/api/http';
import { refreshDelay } from '../../auth/state/session';
import { SignIn } from '../../auth/components/sign-in';
import { I18nProvider } from '../../i18n/i18n-context';
import { Wall } from './wall';
import { Studio } from '../../studio/components/studio';

/** The grid studio (#18) until the shell's route table takes it: /studio or #/studio. */
const isStudio = () => location.pathname === '/studio' || location.hash === '#/studio';

export function App() {
  const [session, setSessionState] = useState(getSession);
  useEffect(() => onSession(setSessionState), []);
  // refresh the access token before it expires
  useEffect(() => {
    if (!session) return;
    const h = setTimeout(() => void refreshSession(), refreshDelay(session, Date.now()));
    return () => clearTimeout(h);
  }, [session]);
  return <I18nProvider>{session ? isStudio() ? <Studio session={session} /> : <Wall session={session} /> : <SignIn />}</I18nProvider>;
}
