import { landingFor, resolveRoute, routesFor, type RouteEntry } from './navigation';

const TABLE: RouteEntry[] = [
  { path: '/', roles: ['operator', 'analyst', 'supervisor'], nav: 'nav.wall', landing: ['analyst', 'supervisor'] },
  { path: '/console', roles: ['operator'], nav: 'nav.console', landing: ['operator'] },
  { path: '/inbox', roles: ['department'], nav: 'nav.inbox', landing: ['department'] },
  { path: '/tasks', roles: ['grid_worker'], nav: 'nav.tasks', landing: ['grid_worker'] },
  { path: '/audit', roles: ['auditor'], nav: 'nav.audit', landing: ['auditor'] },
];

describe('navigation by role', () => {
  it('lands each role on its own work', () => {
    expect(landingFor(TABLE, ['operator'])?.path).toBe('/console');
    expect(landingFor(TABLE, ['department'])?.path).toBe('/inbox');
    expect(landingFor(TABLE, ['grid_worker'])?.path).toBe('/tasks');
    expect(landingFor(TABLE, ['auditor'])?.path).toBe('/audit');
    expect(landingFor(TABLE, ['supervisor'])?.path).toBe('/');
    expect(landingFor(TABLE, ['admin'])?.path).toBe('/');
    expect(landingFor(TABLE, ['api_client'])).toBeNull();
  });

  it('shows only the screens a role may use; an admin sees them all', () => {
    expect(routesFor(TABLE, ['operator']).map((r) => r.path)).toEqual(['/', '/console']);
    expect(routesFor(TABLE, ['auditor']).map((r) => r.path)).toEqual(['/audit']);
    expect(routesFor(TABLE, ['admin'])).toHaveLength(TABLE.length);
  });

  it('sends a path the role may not open, or an unknown one, to its landing', () => {
    expect(resolveRoute(TABLE, ['auditor'], '/')?.path).toBe('/audit');
    expect(resolveRoute(TABLE, ['department'], '/console')?.path).toBe('/inbox');
    expect(resolveRoute(TABLE, ['operator'], '/nowhere')?.path).toBe('/console');
    expect(resolveRoute(TABLE, ['operator'], '/')?.path).toBe('/');
    expect(resolveRoute(TABLE, ['operator'], '/console/')?.path).toBe('/console');
  });
});
