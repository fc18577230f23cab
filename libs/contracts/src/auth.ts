export const ROLES = ['admin', 'operator', 'analyst', 'supervisor', 'department', 'grid_worker', 'auditor', 'api_client'] as const;
export type Role = (typeof ROLES)[number];

/** What a caller may do. Roles are bundles of these; endpoints ask for one. */
export const PERMISSIONS = [
  'areas:read',
  'areas:write',
  'registry:read',
  'registry:write',
  'pii:unmask', // see ID and phone numbers in clear (each read audited with a purpose)
  'pii:tags', // see special-group tags (elderly alone, community correction, …)
  'pii:lookup', // find people by exact ID or phone number (each lookup audited with a purpose, a budget per account)
  'people:points', // receive individual people as points on the map
  'events:read',
  'events:create',
  'events:act',
  'events:command', // dispatch, summon, escalate, void: the command centre's powers
  'events:supervise', // verify, close, evaluate
  'users:manage',
  'apikeys:manage',
  'audit:read',
  'changes:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  operator: ['areas:read', 'registry:read', 'events:read', 'events:create', 'events:act', 'events:command', 'changes:read'],
  analyst: ['areas:read', 'areas:write', 'registry:read', 'events:read', 'changes:read'],
  supervisor: ['areas:read', 'registry:read', 'events:read', 'events:act', 'events:supervise', 'changes:read'],
  department: ['areas:read', 'events:read', 'events:act', 'changes:read'],
  grid_worker: ['areas:read', 'registry:read', 'registry:write', 'pii:tags', 'pii:lookup', 'events:read', 'events:create', 'events:act', 'changes:read'],
  auditor: ['audit:read'],
  api_client: ['areas:read', 'events:read', 'events:create'],
};

const permissionSets = new Map<string, ReadonlySet<Permission>>();

/** The permissions of a set of roles; one shared, read-only Set per combination (asked on every request). */
export function permissionsOf(roles: readonly Role[]): ReadonlySet<Permission> {
  const key = roles.join(',');
  let set = permissionSets.get(key);
  if (!set) {
    set = new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r] ?? []));
    permissionSets.set(key, set);
  }
  return set;
}

export interface LoginResponse {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: MeResponse;
}

export interface MeResponse {
  id: number;
  username: string;
  displayName: string | null;
  roles: Role[];
  jurisdiction: string;
  department: string | null;
  permissions: Permission[];
  demo: boolean;
}

/**
 * The web app's screens (History API paths): the API answers each with the app's index.html, so
 * a reload or a link opens the screen. `/` is the wall. The app's route table uses only these.
 */
export const APP_SCREENS = ['/console', '/inbox', '/tasks', '/audit', '/studio', '/supervision', '/field'] as const;
