import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n-context';
import { fetchCategories, fetchDepartments, type Category, type Department } from '../api/catalog-api';

export interface Catalog {
  departments: Department[];
  categories: Category[];
  /** a department's name in the screen's language (`fallback`, else an ellipsis, while the table loads) */
  deptName(code: string | null | undefined, fallback?: string | null): string;
  categoryName(code: string | null | undefined, fallback?: string | null): string;
}

type Tables = { departments: Department[]; categories: Category[] };
let cache: Promise<Tables> | null = null;

/** The last tables loaded, kept on the device: a phone that opens the field app offline still shows names and can report. */
const KEPT = 'gc.catalog.v1';
function keep(t: Tables): Tables {
  try {
    localStorage.setItem(KEPT, JSON.stringify(t));
  } catch {
    /* storage full or disabled: the tables only live for this page */
  }
  return t;
}
function kept(): Tables | null {
  try {
    const raw = localStorage.getItem(KEPT);
    return raw ? (JSON.parse(raw) as Tables) : null;
  } catch {
    return null;
  }
}

/** The code tables (departments, categories with routing), loaded once per page (the last copy kept for offline use). */
export function useCatalog(): Catalog {
  const { lang } = useI18n();
  // the kept copy at once (a phone offline, or a slow network), the API's when it answers
  const [data, setData] = useState<Tables>(() => kept() ?? { departments: [], categories: [] });
  useEffect(() => {
    let alive = true;
    cache ??= Promise.all([fetchDepartments(), fetchCategories()]).then(
      ([departments, categories]) => keep({ departments, categories }),
      (e: unknown) => {
        cache = null; // the kept copy for now; the API again on the next screen
        const k = kept();
        if (k) return k;
        throw e;
      },
    );
    cache.then(
      (d) => alive && setData(d),
      () => {
        cache = null; // try again on the next screen
      },
    );
    return () => {
      alive = false;
    };
  }, []);
  const byDept = new Map(data.departments.map((d) => [d.code, d]));
  const byCat = new Map(data.categories.map((c) => [c.code, c]));
  return {
    ...data,
    deptName: (code, fallback) => {
      if (!code) return '—';
      const d = byDept.get(code);
      return d ? (lang === 'en' ? d.nameEn : d.name) : (fallback ?? '…');
    },
    categoryName: (code, fallback) => {
      if (!code) return '—';
      const c = byCat.get(code);
      return c ? (lang === 'en' ? c.nameEn : c.name) : (fallback ?? '…');
    },
  };
}
