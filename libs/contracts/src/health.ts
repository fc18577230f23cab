export interface HealthJobHolds {
  holds: number;
  totalMs: number;
  maxMs: number;
  maxStatements: number;
  lastMs: number;
  lastStatements: number;
  overTimeBudget: number;
  overStatementBudget: number;
}

export interface HealthReport {
  /** `degraded`: the database is unreachable or incomplete, requests wait for it, or a background worker lags */
  status: 'ok' | 'degraded';
  /** why it is degraded (empty when ok) */
  reasons: string[];
  database: { ok: boolean; mode: 'embedded' | 'server'; version?: string; error?: string };
  postgis: { ok: boolean; version?: string; mvt: boolean };
  migrations: { ok: boolean; applied: number; pending: string[] };
  /** the connection pool as interactive requests see it */
  pool: {
    size: number;
    inUse: number;
    waiting: { interactive: number; background: number };
    /** who holds a connection now, for how long, how many statements so far, the start of the last one */
    holders: { job: string; ms: number; statements: number; last: string }[];
    /** how long the request waiting longest has waited so far (ms) */
    oldestWaitMs: number;
    /** waits for a connection of the interactive requests of the last minute */
    lastMinute: { requests: number; waited: number; p50Ms: number; p99Ms: number; maxMs: number };
    /** since start; interactiveBehindOverBudget and backgroundBeforeInteractive stay 0 when background work yields */
    counters: Record<string, number>;
    /**
     * connection holds per job since start: count, total and longest (ms), most statements in one,
     * the last hold (ms, statements), and (background jobs) holds over the time / statement budget
     */
    jobs: Record<string, HealthJobHolds>;
  };
  /**
   * background workers: how late their due work is, and their connection holds (the last one's
   * length, the longest, how many went over the time budget; absent before the first hold)
   */
  background: {
    name: string;
    lagMs: number;
    limitMs: number;
    behind: boolean;
    detail?: Record<string, number | string | null>;
    holds?: { count: number; lastMs: number; maxMs: number; overTimeBudget: number; overStatementBudget: number; timeBudgetMs: number };
  }[];
  uptimeSeconds: number;
}
