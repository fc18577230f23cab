import { AppException } from '../../core/http/app-exception';
import type { Principal } from '../auth/principal';

/** Positions and patrols are a signed-in grid worker's own: other devices may not send for them. */
export function requireWorker(p: Principal): number {
  if (p.kind !== 'user' || !p.roles.includes('grid_worker')) {
    throw new AppException('FORBIDDEN', 'only a signed-in grid worker sends positions and runs patrols', { role: 'grid_worker' });
  }
  return p.id;
}
