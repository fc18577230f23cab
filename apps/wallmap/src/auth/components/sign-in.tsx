import { useEffect, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/i18n-context';
import { ApiError, login, sessionEnd } from '../api/http';
import { errorText } from '../../i18n/error-text';

/** One row of GET /api/demo/accounts (apps/api/src/modules/demo/demo.service.ts). */
interface DemoAccount {
  username: string;
  password: string;
  role: string;
  displayName: string;
  jurisdiction: string;
  jurisdictionName: string;
}

/** GET /api/demo/accounts exists only in demo mode: a 404 (or anything else) just hides the list. */
async function fetchDemoAccounts(): Promise<DemoAccount[]> {
  try {
    const res = await fetch('/api/demo/accounts');
    if (!res.ok) return [];
    const body = (await res.json()) as { accounts?: DemoAccount[] };
    return Array.isArray(body.accounts) ? body.accounts : [];
  } catch {
    return [];
  }
}

export function SignIn() {
  const { t, lang, setLang } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState<DemoAccount[]>([]);
  // why the wall is back here (nothing on the first sign-in)
  const [ended] = useState(sessionEnd);

  useEffect(() => {
    let alive = true;
    void fetchDemoAccounts().then((a) => alive && setDemo(a));
    return () => {
      alive = false;
    };
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (err) {
      setError(err instanceof ApiError ? `${t('signin.failed')}：${errorText(t, err).text}` : t('signin.failed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)}>
        <button type="button" className="lang-switch" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
          {t('lang.switch')}
        </button>
        <h1>{t('title')}</h1>
        <h2>{t('signin.title')}</h2>
        {ended && (
          <div className={ended === 'ended' ? 'notice warn' : 'notice'} role="status">
            {t(ended === 'ended' ? 'signin.ended' : 'signin.signedOut')}
          </div>
        )}
        <label>
          {t('signin.username')}
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          {t('signin.password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && (
          <div className="error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('signin.submit')}
        </button>
        {demo.length > 0 && (
          <div className="demo-accounts">
            <h3>{t('signin.demo')}</h3>
            <p className="muted">{t('signin.demoHint')}</p>
            <ul>
              {demo.map((a) => (
                <li key={a.username}>
                  <button
                    type="button"
                    data-username={a.username}
                    onClick={() => {
                      setUsername(a.username);
                      setPassword(a.password);
                    }}
                  >
                    <b>{a.displayName}</b>
                    <span className="muted">
                      {t(`role.${a.role}`)} · {a.jurisdictionName || a.jurisdiction}
                    </span>
                    <code>{a.username}</code>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </form>
    </div>
  );
}
