import { Init1764000000000 } from './1764000000000-init';
import { Areas1764000001000 } from './1764000001000-areas';
import { Access1764000002000 } from './1764000002000-access';
import { Changes1764000003000 } from './1764000003000-changes';

/** Every migration, in order. Never edit one that has landed on main: add a new one. */
export const MIGRATIONS = [Init1764000000000, Areas1764000001000, Access1764000002000, Changes1764000003000];
