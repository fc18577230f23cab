import { Controller, Delete, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ROLES } from '@gc/contracts';
import { ZBody, ZParams, zId } from '../../core/http/zod';
import { CurrentPrincipal, Public, Requires } from './auth.decorators';
import type { AuthedRequest } from './auth.guard';
import { AuthService } from './auth.service';
import type { Principal } from './principal';
import { RateLimit } from './rate-limit';

const loginBody = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
const refreshBody = z.strictObject({ refreshToken: z.string().min(10).max(200) });
const areaCode = z.string().regex(/^(\*|[A-Za-z0-9_]{1,64})$/, 'an area code, or * for the whole territory');
const createUserBody = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9_.@-]{3,64}$/, '3-64 letters, digits or ._@-'),
  password: z.string().min(10, 'at least 10 characters').max(256),
  displayName: z.string().min(1).max(64).optional(),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
  jurisdiction: areaCode,
  department: z
    .string()
    .regex(/^[a-z0-9_]{2,32}$/)
    .optional(),
});
const createKeyBody = z.strictObject({
  name: z.string().min(1).max(64),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length).default(['api_client']),
  jurisdiction: areaCode.default('*'),
  department: z
    .string()
    .regex(/^[a-z0-9_]{2,32}$/)
    .optional(),
});
const idParams = z.strictObject({ id: zId });

@ApiTags('auth')
@Controller('api')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @RateLimit('RATE_LIMIT_LOGIN_PER_MINUTE')
  @Post('auth/login')
  @HttpCode(200)
  login(@ZBody(loginBody) body: z.output<typeof loginBody>, @Req() req: AuthedRequest) {
    // req.ip: the socket's address, or X-Forwarded-For's only when sent by a TRUST_PROXY proxy.
    return this.auth.login(body.username, body.password, req.ip);
  }

  @Public()
  @RateLimit('RATE_LIMIT_LOGIN_PER_MINUTE')
  @Post('auth/refresh')
  @HttpCode(200)
  refresh(@ZBody(refreshBody) body: z.output<typeof refreshBody>) {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('auth/logout')
  @HttpCode(204)
  async logout(@CurrentPrincipal() p: Principal, @Req() req: AuthedRequest) {
    await this.auth.logout(p, req.sessionFamily);
  }

  @Get('auth/me')
  me(@CurrentPrincipal() p: Principal) {
    return p.kind === 'user' ? this.auth.getUser(p.id) : { kind: 'api_key', name: p.name, roles: p.roles, jurisdiction: p.jurisdiction };
  }

  @Post('users')
  @Requires('users:manage')
  createUser(@CurrentPrincipal() p: Principal, @ZBody(createUserBody) body: z.output<typeof createUserBody>) {
    return this.auth.createUser(p, body);
  }

  @Get('users')
  @Requires('users:manage')
  async listUsers() {
    return { users: await this.auth.listUsers() };
  }

  @Get('users/:id')
  @Requires('users:manage')
  getUser(@ZParams(idParams) params: z.output<typeof idParams>) {
    return this.auth.getUser(params.id);
  }

  /** Lift an account's sign-in lockouts (from every address). */
  @Post('users/:id/unlock')
  @HttpCode(200)
  @Requires('users:manage')
  unlock(@CurrentPrincipal() p: Principal, @ZParams(idParams) params: z.output<typeof idParams>) {
    return this.auth.unlock(p, params.id);
  }

  /** Issue an API key for another system (12345 hotline, Open311 clients). The key is shown once. */
  @Post('api-keys')
  @Requires('apikeys:manage')
  createKey(@CurrentPrincipal() p: Principal, @ZBody(createKeyBody) body: z.output<typeof createKeyBody>) {
    return this.auth.createApiKey(p, body);
  }

  @Get('api-keys')
  @Requires('apikeys:manage')
  async listKeys() {
    return { keys: await this.auth.listApiKeys() };
  }

  @Delete('api-keys/:id')
  @Requires('apikeys:manage')
  @HttpCode(204)
  async revokeKey(@CurrentPrincipal() p: Principal, @ZParams(idParams) params: z.output<typeof idParams>) {
    await this.auth.revokeApiKey(p, params.id);
  }
}
