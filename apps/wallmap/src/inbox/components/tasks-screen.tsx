import { useI18n } from '../../i18n/i18n-context';
import type { ScreenProps } from '../../shell/routes';
import { CaseDesk } from './case-desk';

/** The grid worker's task list (`/tasks`): open cases in their grid, deadlines first (the field app is its own issue). */
export function TasksScreen(props: ScreenProps) {
  const { t } = useI18n();
  return <CaseDesk {...props} title={t('tasks.title')} hint={t('tasks.hint')} showSummons={false} />;
}
