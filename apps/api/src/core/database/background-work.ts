import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';

/**
 * Which background job (simulator, escalation sweep, live tailer, …) the current async call
 * chain belongs to. Everything outside `asBackground` is interactive (an HTTP request, a socket
 * handler, boot). The session gate reads it when a connection is asked for, so background work
 * waits behind interactive requests without every repository taking a "priority" argument.
 */
const jobs = new AsyncLocalStorage<{ job: string }>();

/** Marks the work of a transaction (after its connection is taken), to recognise a second connection asked for inside it. */
export const inTransaction = new AsyncLocalStorage<true>();

/** Run `work` as background job `job`; started from inside a transaction, it is not part of that transaction. */
export function asBackground<T>(job: string, work: () => Promise<T>): Promise<T> {
  return inTransaction.exit(() => jobs.run({ job }, work));
}

/** The background job of the current call chain, or null (interactive). */
export function backgroundJob(): string | null {
  return jobs.getStore()?.job ?? null;
}

/** Run `work` as interactive even when called from a background chain (e.g. a socket handler woken by a tailer push). */
export function asInteractive<T>(work: () => T): T {
  return jobs.exit(work);
}

/** How far behind a background worker is, for /api/health. */
export interface WorkerLag {
  name: string;
  /** how late its oldest due work is (ms); 0 when it is keeping up */
  lagMs: number;
  /** over this lag it is reported as behind (and health as degraded) */
  limitMs: number;
  /** a few numbers that say what it did (e.g. created, transitioned, skipped) */
  detail?: Record<string, number | string | null>;
}

/** Background workers register here to be reported by /api/health. */
@Injectable()
export class BackgroundWorkers {
  private readonly workers = new Map<string, () => WorkerLag>();

  register(name: string, report: () => WorkerLag): void {
    this.workers.set(name, report);
  }

  unregister(name: string): void {
    this.workers.delete(name);
  }

  report(): WorkerLag[] {
    return [...this.workers.values()].map((r) => r());
  }
}
