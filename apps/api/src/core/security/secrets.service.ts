import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { SecretsRepository } from './secrets.repository';

/**
 * Secrets come from the environment (JWT_SECRET, PII_KEY). When unset, one is
 * generated on first boot and kept in the database, so that every API process
 * sharing the database agrees; production deployments set them explicitly.
 */
@Injectable()
export class SecretsService {
  private readonly logger = new Logger('Secrets');
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: SecretsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async jwtKey(): Promise<Buffer> {
    return this.get('jwt', this.config.JWT_SECRET ? Buffer.from(this.config.JWT_SECRET, 'utf8') : undefined);
  }

  async piiKey(): Promise<Buffer> {
    return this.get('pii', this.config.PII_KEY ? Buffer.from(this.config.PII_KEY, 'hex') : undefined);
  }

  /** Forget a generated key (a database copied from another installation): the next use generates a new one. */
  async renew(name: 'jwt'): Promise<void> {
    await this.repo.remove(this.dataSource.manager, name);
    this.cache.delete(name);
  }

  private async get(name: string, fromEnv: Buffer | undefined): Promise<Buffer> {
    if (fromEnv) return fromEnv;
    const cached = this.cache.get(name);
    if (cached) return cached;
    const value = await this.repo.getOrCreate(this.dataSource.manager, name, randomBytes(32).toString('hex'));
    if (this.config.databaseMode === 'server') {
      this.logger.warn(`${name === 'jwt' ? 'JWT_SECRET' : 'PII_KEY'} is not set: using a generated key stored in the database`);
    }
    const key = Buffer.from(value, 'hex');
    this.cache.set(name, key);
    return key;
  }
}
