import type { Role } from '@gc/contracts';

/** One screen of the app: where it lives, who may open it, its label key in the navigation. */
export interface RouteEntry {
  path: string;
  roles: readonly Role[];
  /** i18n key of the navigation label */
  nav: string;
  /** the landing of these roles (the first route, in table order, that lands a role wins) */
  landing?: readonly Role[];
}

/** The routes a user with these roles may open, in table order (an admin may open all). */
export function routesFor<R extends RouteEntry>(table: readonly R[], roles: readonly Role[]): R[] {
  if (roles.includes('admin')) return [...table];
  return table.filter((r) => r.roles.some((x) => roles.includes(x)));
}

/** Where a user lands after sign-in: the first route that names one of their roles as its landing, else the first they may open. */
export function landingFor<R extends RouteEntry>(table: readonly R[], roles: readonly Role[]): R | null {
  const allowed = routesFor(table, roles);
  for (const role of roles) {
    const r = allowed.find((x) => x.landing?.includes(role));
    if (r) return r;
  }
  return allowed[0] ?? null;
}

/** The route to show for a path: that route if the user may open it, else their landing (nothing a role cannot use is shown). */
export function resolveRoute<R extends RouteEntry>(table: readonly R[], roles: readonly Role[], path: string): R | null {
  const clean = path.replace(/\/+$/, '') || '/';
  return routesFor(table, roles).find((r) => r.path === clean) ?? landingFor(table, roles);
}
