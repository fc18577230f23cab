import { SetMetadata } from '@nestjs/common';

export const RATE_LIMIT = 'rate-limit';

/** Limit a route per client address: `limitKey` names the configured per-minute budget. */
export const RateLimit = (limitKey: 'RATE_LIMIT_LOGIN_PER_MINUTE' | 'RATE_LIMIT_INTAKE_PER_MINUTE' | 'RATE_LIMIT_PUBLIC_PER_MINUTE') => SetMetadata(RATE_LIMIT, limitKey);

/** A fixed-window counter per key (process-local; behind a load balancer each process counts its share). */
export class WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  hit(key: string, limit: number, now = Date.now()): boolean {
    const w = this.windows.get(key);
    if (!w || now - w.start >= 60000) {
      if (this.windows.size > 50000) this.windows.clear();
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    w.count += 1;
    return w.count <= limit;
  }
}
