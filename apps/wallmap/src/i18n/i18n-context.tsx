import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { translate, type Lang } from './dictionary';

interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t(key: string, vars?: Record<string, string | number>): string;
}

const Ctx = createContext<I18n>({ lang: 'zh', setLang: () => undefined, t: (k, v) => translate('zh', k, v) });

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem('gc.lang') === 'en' ? 'en' : 'zh'));
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem('gc.lang', l);
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => ({ lang, setLang, t: (k, v) => translate(lang, k, v) }), [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export const useI18n = () => useContext(Ctx);
