import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Permission } from '@gc/contracts';
import { AppException } from '../../core/http/app-exception';
import { IS_PUBLIC, REQUIRES } from './auth.decorators';
import { AuthService } from './auth.service';
import type { Principal } from './principal';

export type AuthedRequest = FastifyRequest & { principal?: Principal; sessionFamily?: string };

/**
 * Global guard: every route needs a signed-in user or an API key unless it is
 * marked @Public(), and the permission named by @Requires(). Jurisdiction is
 * then enforced in SQL through the principal's scope (see scope.ts).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets);
    const credentials = this.credentials(request);
    if (credentials) {
      await this.authenticate(request, credentials);
    } else if (!isPublic) {
      throw new AppException('UNAUTHENTICATED', 'sign in first: send Authorization: Bearer <token> or an API key');
    }
    const needed = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRES, targets);
    if (needed && !request.principal?.permissions.has(needed)) {
      throw new AppException('FORBIDDEN', `your role does not allow this (needs ${needed})`, { permission: needed });
    }
    return true;
  }

  private credentials(request: AuthedRequest): { bearer?: string; apiKey?: string } | null {
    const header = request.headers.authorization;
    if (typeof header === 'string' && header.startsWith('Bearer ')) return { bearer: header.slice(7).trim() };
    const key = request.headers['x-api-key'];
    if (typeof key === 'string' && key) return { apiKey: key };
    // Open311 clients send api_key as a form or query field.
    const q = (request.query as Record<string, unknown> | undefined)?.api_key;
    if (typeof q === 'string' && q) return { apiKey: q };
    const b = request.body as Record<string, unknown> | undefined;
    if (b && typeof b === 'object' && typeof b.api_key === 'string' && b.api_key) return { apiKey: b.api_key };
    return null;
  }

  private async authenticate(request: AuthedRequest, c: { bearer?: string; apiKey?: string }): Promise<void> {
    if (c.bearer) {
      const { principal, family } = await this.auth.verifyAccessToken(c.bearer);
      request.principal = principal;
      request.sessionFamily = family;
    } else if (c.apiKey) {
      request.principal = await this.auth.verifyApiKey(c.apiKey);
    }
  }
}
