import { useEffect, useState } from 'react';
import { apiTrouble, onApiTrouble, type ApiTrouble } from '../../auth/api/http';
import { useI18n } from '../../i18n/i18n-context';

/** What is wrong with the server while requests are being retried, in the screen's language (null while all is well). */
export function ApiTroubleNotice() {
  const { t } = useI18n();
  const [trouble, setTrouble] = useState<ApiTrouble | null>(apiTrouble);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => onApiTrouble(setTrouble), []);
  useEffect(() => {
    if (!trouble) return;
    const h = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(h);
  }, [trouble]);
  if (!trouble) return null;
  const s = Math.max(0, Math.ceil((trouble.retryAt - now) / 1000));
  return (
    <div className="api-trouble" role="status" data-testid="api-trouble" data-kind={trouble.kind}>
      {t(`trouble.${trouble.kind}`, { status: trouble.status ?? '', s })} {s > 0 ? t('trouble.retryIn', { s }) : t('trouble.retrying')}
    </div>
  );
}
