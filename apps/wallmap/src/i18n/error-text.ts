import { ApiError } from '../auth/api/http';

type T = (key: string, vars?: Record<string, string | number>) => string;

/** A failed request said in the screen's language; the server's code and message go to the console for the log. */
export function errorText(t: T, e: unknown): { text: string; code: string | null; legal: string[] } {
  if (e instanceof ApiError) {
    console.warn(`api error ${e.status} ${e.code}: ${e.message}`);
    const d = e.details as { legalActions?: unknown } | null;
    const legal = d && Array.isArray(d.legalActions) ? d.legalActions.map(String) : [];
    const key = `error.code.${e.code}`;
    const known = t(key);
    const text = known !== key.slice(key.indexOf('.') + 1) ? known : e.status >= 500 ? t('error.server') : t('error.generic');
    return { text, code: e.code, legal };
  }
  console.warn('request failed', e);
  return { text: e instanceof TypeError ? t('error.network') : t('error.generic'), code: null, legal: [] };
}
