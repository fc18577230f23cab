import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import * as argon2 from 'argon2';
import { SignJWT, jwtVerify } from 'jose';
import { DataSource, type EntityManager } from 'typeorm';
import { permissionsOf, type LoginResponse, type MeResponse, type Role } from '@gc/contracts';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { bootPhase, setOneTimeAdmin } from '../../core/boot/boot-steps';
import { DATABASE_INFO, type DatabaseInfo } from '../../core/database/database.tokens';
import { HourlyPurge, purgeInChunks } from '../../core/database/retention';
import { AppException } from '../../core/http/app-exception';
import { SecretsService } from '../../core/security/secrets.service';
import { AuditService } from '../audit/audit.service';
import { AuthRepository, type UserRow } from './auth.repository';
import type { Principal } from './principal';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface AccessClaims {
  sub: string;
  fam: string;
  roles: Role[];
  jur: string;
  jp: string | null;
  dep: number | null;
  depc: string | null;
  name: string;
}

@Injectable()
export class AuthService implements OnApplicationBootstrap, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Auth');
  /** family → time we last saw it not revoked (so a revoked session dies within seconds on every process). */
  private readonly liveFamilies = new Map<string, number>();
  private readonly apiKeyCache = new Map<string, { at: number; principal: Principal | null }>();
  private readonly verifiedTokens = new Map<string, AccessClaims & { exp: number }>();
  /** Told (in this process) when sessions end, so open sockets close at once; other processes notice by `sessionActive`. */
  private readonly sessionEndedListeners = new Set<(ended: { family: string } | { userId: number }) => void>();
  // A hash to verify against when the user does not exist, so timing does not tell.
  private dummyHash?: Promise<string>;
  private readonly lockPurge = new HourlyPurge('sign-in lock retention', this.logger, () => this.purgeStaleLocks());

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: AuthRepository,
    private readonly secrets: SecretsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_INFO) private readonly db: DatabaseInfo,
  ) {}

  onModuleInit(): void {
    this.lockPurge.start();
  }

  onModuleDestroy(): void {
    this.lockPurge.stop();
  }

  /** Forgets sign-in failures that no longer count (lock over, last failure over a day ago); returns how many pairs went. */
  purgeStaleLocks(): Promise<number> {
    return purgeInChunks(
      'login-lock-purge',
      (work) => this.dataSource.transaction(work),
      (db, limit) => this.repo.purgeStaleLocks(db, limit),
    );
  }

  /** The first administrator: from ADMIN_USERNAME/ADMIN_PASSWORD, or a random password printed once. */
  async onApplicationBootstrap(): Promise<void> {
    bootPhase('setting up the first administrator', 'ADMIN_USERNAME / ADMIN_PASSWORD');
    const db = this.dataSource.manager;
    if (this.db.restoredFromSnapshot) await this.renewCopiedInstallation(db);
    if (this.config.ADMIN_USERNAME && this.config.ADMIN_PASSWORD) {
      const existing = await this.repo.findUserByName(db, this.config.ADMIN_USERNAME);
      const hash = await argon2.hash(this.config.ADMIN_PASSWORD);
      if (existing) {
        if (!(await argon2.verify(existing.passwordHash, this.config.ADMIN_PASSWORD))) await this.repo.setPassword(db, existing.id, hash);
      } else if (await this.repo.insertUserIfAbsent(db, { username: this.config.ADMIN_USERNAME, displayName: '系统管理员', passwordHash: hash, roles: ['admin'], jurisdictionCode: '*', departmentId: null })) {
        this.logger.log(`administrator ${this.config.ADMIN_USERNAME} created from ADMIN_USERNAME`);
      }
      return;
    }
    const copiedAdmin = this.db.restoredFromSnapshot ? await this.repo.findUserByName(db, 'admin') : undefined;
    if (copiedAdmin) {
      // the copy's first administrator, with a password of this installation (printed once, like a new one)
      const password = randomBytes(12).toString('base64url');
      await this.repo.setPassword(db, copiedAdmin.id, await argon2.hash(password));
      setOneTimeAdmin('admin', password);
    } else if ((await this.repo.countAdmins(db)) === 0) {
      const password = randomBytes(12).toString('base64url');
      const created = await this.repo.insertUserIfAbsent(db, { username: 'admin', displayName: '系统管理员', passwordHash: await argon2.hash(password), roles: ['admin'], jurisdictionCode: '*', departmentId: null });
      // Printed once, to the console only (main.ts, in a box when the server is ready): there is no default password.
      if (created) setOneTimeAdmin('admin', password);
    }
  }

  /**
   * This database was copied from the demo snapshot made by another start (demo-snapshot.ts):
   * what belongs to that installation is renewed. The token signing key is generated anew, and
   * every account but the published demo ones gets a password nobody knows (the first
   * administrator then gets a new one-time password, or the configured one).
   */
  private async renewCopiedInstallation(db: EntityManager): Promise<void> {
    await this.secrets.renew('jwt');
    await this.repo.lockOutCopiedAccounts(db, await argon2.hash(randomBytes(32).toString('base64url')));
  }

  async hashPassword(password: string): Promise<string> {
    return argon2.hash(password);
  }

  /**
   * Sign in. Failures are counted per (username, client address), whether or not the account
   * exists, so a lockout (423) says nothing about which usernames exist and only locks out the
   * address that guessed; it doubles with each lockout that day (LOGIN_LOCK_* settings).
   */
  async login(username: string, password: string, address: string): Promise<LoginResponse> {
    const db = this.dataSource.manager;
    const locked = await this.repo.lockedUntil(db, username, address);
    if (locked) throw this.lockedError(locked);
    const user = await this.repo.findUserByName(db, username);
    let ok = false;
    if (!user || user.disabledAt) {
      this.dummyHash ??= argon2.hash('not-a-password');
      await argon2.verify(await this.dummyHash, password).catch(() => false);
    } else {
      ok = await argon2.verify(user.passwordHash, password);
    }
    if (!ok || !user) {
      const now = await this.repo.recordFailure(db, username, address, {
        after: this.config.LOGIN_LOCK_AFTER_FAILURES,
        baseSeconds: this.config.LOGIN_LOCK_BASE_SECONDS,
        maxSeconds: this.config.LOGIN_LOCK_MAX_SECONDS,
      });
      if (now) throw this.lockedError(now);
      throw new AppException('INVALID_CREDENTIALS', 'wrong username or password');
    }
    await this.repo.recordSuccess(db, username, address);
    return this.issue(db, user, randomUUID());
  }

  private lockedError(until: Date): AppException {
    return new AppException('ACCOUNT_LOCKED', 'too many failed sign-ins from this address; try again later', { lockedUntil: until });
  }

  /** An administrator lifts the sign-in locks of an account (from every address); audited. */
  async unlock(p: Principal, userId: number): Promise<{ unlocked: number }> {
    return this.dataSource.transaction(async (tx) => {
      const user = await this.repo.findUserById(tx, userId);
      if (!user) throw new AppException('NOT_FOUND', `user ${userId} not found`, { user: userId });
      const unlocked = await this.repo.unlock(tx, user.username);
      await this.audit.write(tx, p, 'unlock', 'app_user', userId, null, { unlocked });
      return { unlocked };
    });
  }

  async refresh(token: string): Promise<LoginResponse> {
    type Outcome = { issued: LoginResponse; reusedFamily?: undefined } | { reusedFamily: string; issued?: undefined };
    const outcome = await this.dataSource.transaction(async (tx): Promise<Outcome> => {
      const row = await this.repo.takeRefresh(tx, sha256(token));
      if (!row || row.expired || row.revoked) throw new AppException('UNAUTHENTICATED', 'refresh token is invalid or expired');
      if (row.used) return { reusedFamily: row.family };
      await this.repo.markRefreshUsed(tx, row.id);
      const user = await this.repo.findUserById(tx, row.userId);
      if (!user || user.disabledAt) throw new AppException('UNAUTHENTICATED', 'account is disabled');
      return { issued: await this.issue(tx, user, row.family) };
    });
    if (outcome.issued) return outcome.issued;
    // Reuse of a rotated token: someone else has it. Kill the whole session (committed on its own).
    await this.repo.revokeFamily(this.dataSource.manager, outcome.reusedFamily!);
    this.liveFamilies.delete(outcome.reusedFamily!);
    this.sessionEnded({ family: outcome.reusedFamily! });
    throw new AppException('UNAUTHENTICATED', 'refresh token was already used; the session has been revoked');
  }

  async logout(principal: Principal, family: string | undefined): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      if (family) await this.repo.revokeFamily(tx, family);
      else await this.repo.revokeAllForUser(tx, principal.id);
      await this.audit.write(tx, principal, 'logout', 'session', family ?? null, null, null);
    });
    if (family) this.liveFamilies.delete(family);
    this.sessionEnded(family ? { family } : { userId: principal.id });
  }

  /** Listen for sessions that end in this process (logout, a reused refresh token). */
  onSessionEnded(listener: (ended: { family: string } | { userId: number }) => void): () => void {
    this.sessionEndedListeners.add(listener);
    return () => this.sessionEndedListeners.delete(listener);
  }

  private sessionEnded(ended: { family: string } | { userId: number }): void {
    for (const l of this.sessionEndedListeners) l(ended);
  }

  /** Whether a session (refresh-token family) is still signed in; checked at most every few seconds per family, as for requests. */
  async sessionActive(family: string): Promise<boolean> {
    const seen = this.liveFamilies.get(family);
    if (seen && Date.now() - seen <= 5000) return true;
    if (await this.repo.isFamilyRevoked(this.dataSource.manager, family)) {
      this.liveFamilies.delete(family);
      return false;
    }
    this.liveFamilies.set(family, Date.now());
    return true;
  }

  private async issue(db: EntityManager, user: UserRow, family: string): Promise<LoginResponse> {
    const scopePath = await this.scopePathOf(db, user.jurisdictionCode);
    const claims: AccessClaims = {
      sub: String(user.id),
      fam: family,
      roles: user.roles,
      jur: user.jurisdictionCode,
      jp: scopePath,
      dep: user.departmentId,
      depc: user.departmentCode,
      name: user.username,
    };
    const accessToken = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime(`${this.config.ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(await this.secrets.jwtKey());
    const refreshToken = randomBytes(32).toString('base64url');
    await this.repo.insertRefresh(db, user.id, family, sha256(refreshToken), this.config.REFRESH_TOKEN_TTL_SECONDS);
    this.liveFamilies.set(family, Date.now());
    return { accessToken, refreshToken, expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS, user: this.me(user) };
  }

  me(user: Pick<UserRow, 'id' | 'username' | 'displayName' | 'roles' | 'jurisdictionCode' | 'departmentCode' | 'demo'>): MeResponse {
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      roles: user.roles,
      jurisdiction: user.jurisdictionCode,
      department: user.departmentCode,
      permissions: [...permissionsOf(user.roles)],
      demo: user.demo,
    };
  }

  async scopePathOf(db: EntityManager, code: string): Promise<string | null> {
    if (code === '*') return null;
    const path = await this.repo.areaPath(db, code);
    // An area that no longer exists must not widen access: scope to an impossible path.
    return path ?? `missing_${code}`;
  }

  /** Verify an access token; returns the principal with its family id. */
  async verifyAccessToken(token: string): Promise<{ principal: Principal; family: string }> {
    const claims = await this.verifiedClaims(token);
    if (!(await this.sessionActive(claims.fam))) throw new AppException('UNAUTHENTICATED', 'session has been signed out');
    return {
      family: claims.fam,
      principal: {
        kind: 'user',
        id: Number(claims.sub),
        name: claims.name,
        roles: claims.roles,
        permissions: permissionsOf(claims.roles),
        jurisdiction: claims.jur,
        scopePath: claims.jp,
        departmentId: claims.dep,
        departmentCode: claims.depc,
      },
    };
  }

  /**
   * Signature and expiry, remembered per token until it expires (a busy client sends the same
   * token many times a second; checking the HMAC each time was a measurable share of a locate).
   * Revocation is still checked on every call, by family, in verifyAccessToken.
   */
  private async verifiedClaims(token: string): Promise<AccessClaims & { exp: number }> {
    const known = this.verifiedTokens.get(token);
    if (known && known.exp * 1000 > Date.now()) return known;
    try {
      const { payload } = await jwtVerify(token, await this.secrets.jwtKey(), { algorithms: ['HS256'] });
      const claims = payload as unknown as AccessClaims & { exp: number };
      if (this.verifiedTokens.size >= 10000) this.verifiedTokens.clear();
      this.verifiedTokens.set(token, claims);
      return claims;
    } catch {
      this.verifiedTokens.delete(token);
      throw new AppException('UNAUTHENTICATED', 'access token is invalid or expired');
    }
  }

  async verifyApiKey(key: string): Promise<Principal> {
    const hash = sha256(key);
    const cached = this.apiKeyCache.get(hash);
    if (cached && Date.now() - cached.at < 10000) {
      if (!cached.principal) throw new AppException('UNAUTHENTICATED', 'API key is invalid or revoked');
      return cached.principal;
    }
    const row = await this.repo.findApiKey(this.dataSource.manager, hash);
    const principal: Principal | null = row
      ? {
          kind: 'api_key',
          id: row.id,
          name: `key:${row.name}`,
          roles: row.roles,
          permissions: permissionsOf(row.roles),
          jurisdiction: row.jurisdictionCode,
          scopePath: await this.scopePathOf(this.dataSource.manager, row.jurisdictionCode),
          departmentId: row.departmentId,
          departmentCode: row.departmentCode,
        }
      : null;
    this.apiKeyCache.set(hash, { at: Date.now(), principal });
    if (!principal) throw new AppException('UNAUTHENTICATED', 'API key is invalid or revoked');
    return principal;
  }

  async createApiKey(actor: Principal, input: { name: string; roles: Role[]; jurisdiction: string; department?: string }): Promise<{ id: number; key: string; prefix: string }> {
    return this.dataSource.transaction(async (tx) => {
      await this.assertJurisdiction(tx, input.jurisdiction);
      const departmentId = input.department ? await this.departmentId(tx, input.department) : null;
      const prefix = randomBytes(4).toString('hex');
      const key = `gck_${prefix}_${randomBytes(24).toString('base64url')}`;
      const id = await this.repo.insertApiKey(tx, {
        name: input.name,
        prefix,
        keyHash: sha256(key),
        roles: input.roles,
        jurisdictionCode: input.jurisdiction,
        departmentId,
        createdBy: actor.kind === 'user' ? actor.id : null,
      });
      await this.audit.write(tx, actor, 'create', 'api_key', id, null, { name: input.name, roles: input.roles, jurisdiction: input.jurisdiction, prefix });
      return { id, key, prefix };
    });
  }

  async revokeApiKey(actor: Principal, id: number): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      if (!(await this.repo.revokeApiKey(tx, id))) throw new AppException('NOT_FOUND', `API key ${id} not found`);
      await this.audit.write(tx, actor, 'revoke', 'api_key', id, null, null);
    });
    this.apiKeyCache.clear();
  }

  listApiKeys() {
    return this.repo.listApiKeys(this.dataSource.manager);
  }

  async createUser(actor: Principal, input: { username: string; password: string; displayName?: string; roles: Role[]; jurisdiction: string; department?: string }): Promise<MeResponse> {
    return this.dataSource.transaction(async (tx) => {
      if (await this.repo.findUserByName(tx, input.username)) throw new AppException('DUPLICATE', `username ${input.username} is taken`, { field: 'username' });
      await this.assertJurisdiction(tx, input.jurisdiction);
      if (input.roles.includes('department') && !input.department) {
        throw new AppException('VALIDATION_FAILED', 'department staff need a department', [{ field: 'body.department', message: 'required for the department role' }]);
      }
      const departmentId = input.department ? await this.departmentId(tx, input.department) : null;
      const id = await this.repo.insertUser(tx, {
        username: input.username,
        displayName: input.displayName ?? null,
        passwordHash: await argon2.hash(input.password),
        roles: input.roles,
        jurisdictionCode: input.jurisdiction,
        departmentId,
      });
      const user = (await this.repo.findUserById(tx, id))!;
      await this.audit.write(tx, actor, 'create', 'user', id, null, this.me(user));
      return this.me(user);
    });
  }

  async listUsers(): Promise<MeResponse[]> {
    const rows = await this.repo.listUsers(this.dataSource.manager);
    return rows.map((u) => this.me(u));
  }

  async getUser(id: number): Promise<MeResponse> {
    const u = await this.repo.findUserById(this.dataSource.manager, id);
    if (!u) throw new AppException('NOT_FOUND', `user ${id} not found`);
    return this.me(u);
  }

  private async assertJurisdiction(db: EntityManager, code: string): Promise<void> {
    if (code !== '*' && !(await this.repo.areaPath(db, code))) {
      throw new AppException('VALIDATION_FAILED', `jurisdiction: no current area with code ${code}`, [{ field: 'body.jurisdiction', message: `no current area with code ${code}` }]);
    }
  }

  private async departmentId(db: EntityManager, code: string): Promise<number> {
    const id = await this.repo.departmentIdByCode(db, code);
    if (!id) throw new AppException('VALIDATION_FAILED', `department: no department ${code}`, [{ field: 'body.department', message: `no department ${code}` }]);
    return id;
  }
}
