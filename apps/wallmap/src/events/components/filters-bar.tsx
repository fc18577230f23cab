import { EVENT_STATES } from '@gc/contracts';
import { useI18n } from '../../i18n/i18n-context';
import type { EventFilters } from '../../map/state/event-diff';

interface Props {
  filters: EventFilters;
  categories: readonly (readonly [string, string])[];
  departments: readonly string[];
  /** a department's name for its code */
  deptName(code: string): string;
  onChange(f: EventFilters): void;
}

export function FiltersBar({ filters, categories, departments, deptName, onChange }: Props) {
  const { t } = useI18n();
  return (
    <section className="panel filters" data-testid="filters">
      <h2>{t('filters.title')}</h2>
      <label>
        {t('filters.category')}
        <select value={filters.category} onChange={(e) => onChange({ ...filters, category: e.target.value })}>
          <option value="">{t('filters.all')}</option>
          {categories.map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('filters.state')}
        <select value={filters.state} onChange={(e) => onChange({ ...filters, state: e.target.value })}>
          <option value="">{t('filters.all')}</option>
          {EVENT_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`state.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('filters.department')}
        <select value={filters.department} onChange={(e) => onChange({ ...filters, department: e.target.value })}>
          <option value="">{t('filters.all')}</option>
          {departments.map((d) => (
            <option key={d} value={d}>
              {deptName(d)}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={filters.overdueOnly} onChange={(e) => onChange({ ...filters, overdueOnly: e.target.checked })} />
        {t('filters.overdue')}
      </label>
    </section>
  );
}
