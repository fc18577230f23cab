import type { Permission, Role } from '@gc/contracts';

/** Who is calling: a signed-in user or another system's API key. */
export interface Principal {
  kind: 'user' | 'api_key';
  id: number;
  name: string;
  roles: Role[];
  permissions: ReadonlySet<Permission>;
  /** Jurisdiction area code; '*' is the whole territory. */
  jurisdiction: string;
  /** ltree path of the jurisdiction; null means no restriction (the whole territory). */
  scopePath: string | null;
  departmentId: number | null;
  departmentCode: string | null;
}

export function can(p: Principal, permission: Permission): boolean {
  return p.permissions.has(permission);
}
