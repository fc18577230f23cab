import { useI18n } from '../../i18n/i18n-context';
import type { ScreenProps } from '../../shell/routes';
import { CaseDesk } from './case-desk';

/** The department's inbox (`/inbox`): cases sent or summoned to it, deadlines first; report in on a summons. */
export function InboxScreen(props: ScreenProps) {
  const { t } = useI18n();
  return <CaseDesk {...props} title={t('inbox.title')} hint={t('inbox.hint')} showSummons />;
}
