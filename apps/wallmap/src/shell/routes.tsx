import { lazy, Suspense, type ComponentType } from 'react';
import type { Session } from '../auth/state/session';
import type { ConnectionStatus } from '../live/state/connection';
import type { RouteEntry } from './state/navigation';
import { Wall } from './components/wall';
import { ConsoleScreen } from '../console/components/console-screen';
import { InboxScreen } from '../inbox/components/inbox-screen';
import { TasksScreen } from '../inbox/components/tasks-screen';
import { AuditScreen } from '../audit/components/audit-screen';
import { Studio } from '../studio/components/studio';
import { FieldScreen } from '../field/components/field-screen';

// loaded on its own (ECharts stays out of the wall's bundle)
const SupervisionLazy = lazy(() => import('../supervision/components/supervision-page').then((m) => ({ default: m.SupervisionPage })));
function SupervisionScreen(props: ScreenProps) {
  return (
    <Suspense fallback={null}>
      <SupervisionLazy {...props} />
    </Suspense>
  );
}

export interface ScreenProps {
  session: Session;
  /** the screen's live connection for the top bar (null: this screen has none) */
  onStatus(s: ConnectionStatus | null): void;
  navigate(path: string): void;
}

export interface AppRoute extends RouteEntry {
  component: ComponentType<ScreenProps>;
}

/**
 * Every screen of the app, one entry each (STYLE §19): its path (also in APP_SCREENS, which the
 * API answers with the app), who may open it, its navigation label, whose landing it is.
 * Adding /studio, /supervision or /field is one entry here.
 */
export const ROUTES: AppRoute[] = [
  { path: '/', roles: ['operator', 'analyst', 'supervisor'], nav: 'nav.wall', component: Wall },
  { path: '/console', roles: ['operator'], nav: 'nav.console', landing: ['operator'], component: ConsoleScreen },
  { path: '/inbox', roles: ['department'], nav: 'nav.inbox', landing: ['department'], component: InboxScreen },
  { path: '/field', roles: ['grid_worker'], nav: 'nav.field', landing: ['grid_worker'], component: FieldScreen },
  { path: '/tasks', roles: ['grid_worker'], nav: 'nav.tasks', landing: ['grid_worker'], component: TasksScreen },
  { path: '/audit', roles: ['auditor'], nav: 'nav.audit', landing: ['auditor'], component: AuditScreen },
  { path: '/studio', roles: ['analyst'], nav: 'nav.studio', landing: ['analyst'], component: Studio },
  // supervisors are evaluated and evaluate; (street) operators are evaluated too
  { path: '/supervision', roles: ['supervisor', 'operator'], nav: 'nav.supervision', landing: ['supervisor'], component: SupervisionScreen },
];
