import type { EventState } from '@gc/contracts';
import type { Principal } from '../auth/principal';
import { departmentOnly } from '../auth/visibility';
import { legalActions, type EventAction, type Rule } from './event-workflow.rules';

// Who may SEE a case is decided in one place for every channel: auth/visibility.ts.
export { departmentOnly, viewerOf } from '../auth/visibility';

/** Whether this caller may apply this rule to a case of that department. */
export function mayApply(p: Principal, rule: Rule, caseDepartmentId: number | null): boolean {
  if (!p.permissions.has(rule.permission)) return false;
  if (rule.role && !p.roles.includes(rule.role) && !p.roles.includes('admin')) return false;
  if (departmentOnly(p) && caseDepartmentId !== p.departmentId) return false;
  return true;
}

/** legalActions per (roles, department relation, state): the answer depends on nothing else, and every case view asks. */
const actionSets = new Map<string, EventAction[]>();

export function actionsFor(p: Principal, state: EventState, caseDepartmentId: number | null): EventAction[] {
  // mayApply reads the permissions (from the roles), the roles, and for department staff whether the case is theirs
  const key = `${p.roles.join(',')}|${departmentOnly(p) ? (caseDepartmentId === p.departmentId ? 'own' : 'other') : 'any'}|${state}`;
  let actions = actionSets.get(key);
  if (!actions) {
    actions = legalActions(state, (rule) => mayApply(p, rule, caseDepartmentId));
    if (actionSets.size < 10_000) actionSets.set(key, actions);
  }
  return actions.slice();
}

export { pathInScope } from '../auth/scope';
