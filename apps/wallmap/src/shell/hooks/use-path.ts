import { useCallback, useEffect, useState } from 'react';

/** The current path through the History API (no router library): back and forward work, a link is a path. */
export function usePath(): [string, (path: string, replace?: boolean) => void] {
  const [path, setPath] = useState(() => location.pathname);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  const navigate = useCallback((to: string, replace = false) => {
    if (to === location.pathname) return;
    if (replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    setPath(to);
  }, []);
  return [path, navigate];
}
