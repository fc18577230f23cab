import type { Principal } from './principal';

/**
 * Jurisdiction in SQL, in one place: every repository that reads or writes
 * records with an area path filters with `inScope(column, $n)` and passes
 * `scopeParam(principal)`. NULL means the whole territory.
 * `path <@ $n` is "that area and everything under it", answered by the GiST index on the path.
 */
export function scopeParam(p: Principal | null): string | null {
  return p?.scopePath ?? null;
}

export function inScope(column: string, param: string): string {
  return `(${param}::ltree IS NULL OR ${column} <@ ${param}::ltree)`;
}

/** Is the area path inside the caller's jurisdiction? (ltree `<@` in TypeScript, for a path we already hold) */
export function pathInScope(scopePath: string | null, path: string | null): boolean {
  if (scopePath === null) return true;
  if (path === null) return false;
  return path === scopePath || path.startsWith(`${scopePath}.`);
}
