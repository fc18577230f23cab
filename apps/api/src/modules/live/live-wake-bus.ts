import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createClient } from 'redis';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { DATABASE_INFO, type DatabaseInfo } from '../../core/database/database.tokens';

/** The two calls we use, so the rest of the module does not depend on redis' very wide client type. */
interface RedisLink {
  isReady: boolean;
  connect(): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on(event: 'error' | 'ready', listener: (e?: Error) => void): unknown;
  destroy(): void;
}

/**
 * A wake-up between API processes: "the outbox has new seqs" (sent after a sequencing
 * pass numbered rows, so the readers find them). It carries no
 * change itself (the outbox is the only source of truth), so a lost wake-up only
 * delays delivery until the tailer's fallback poll. Optional: without REDIS_URL,
 * or while Redis is down, the poll alone carries changes between processes.
 */
@Injectable()
export class LiveWakeBus implements OnApplicationShutdown {
  private readonly logger = new Logger('LiveWakeBus');
  private pub?: RedisLink;
  private sub?: RedisLink;
  private readonly channel: string;
  private warned = false;
  private scheduled = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_INFO) db: DatabaseInfo,
  ) {
    // One channel per database, so apps on other databases sharing this Redis do not wake us.
    this.channel = `gc:live:wake:${new URL(db.url).host}${new URL(db.url).pathname}`;
  }

  /** Connect (in the background: boot never waits for Redis) and call `onWake` whenever a process has numbered changes. */
  start(onWake: () => void): void {
    const url = this.config.REDIS_URL;
    if (!url) return;
    const options = {
      url,
      // Keep retrying quietly; the fallback poll covers the outage.
      socket: { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5000), connectTimeout: 3000 },
    };
    this.pub = createClient(options) as unknown as RedisLink;
    this.sub = createClient(options) as unknown as RedisLink;
    for (const c of [this.pub, this.sub]) {
      c.on('error', (e) => {
        if (!this.warned) this.logger.warn(`Redis at REDIS_URL unavailable (${e?.message ?? 'error'}); live push between processes falls back to polling`);
        this.warned = true;
      });
      c.on('ready', () => {
        if (this.warned) this.logger.log('Redis reachable again');
        this.warned = false;
      });
    }
    this.pub.connect().catch(() => undefined);
    this.sub
      .connect()
      .then(() => this.sub?.subscribe(this.channel, () => onWake()))
      .catch(() => undefined);
  }

  /** Tell the other processes; several passes in one tick make one message. */
  publish(): void {
    if (this.scheduled || !this.pub?.isReady) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pub?.publish(this.channel, '1').catch(() => undefined);
    });
  }

  onApplicationShutdown(): void {
    this.pub?.destroy();
    this.sub?.destroy();
    this.pub = this.sub = undefined;
  }
}
