import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { AppException } from '../../core/http/app-exception';
import { RATE_LIMIT, WindowCounter } from './rate-limit';

@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly counter = new WindowCounter();
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const key = this.reflector.get<keyof AppConfig | undefined>(RATE_LIMIT, context.getHandler());
    if (!key) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.counter.hit(`${String(key)}:${request.ip}`, Number(this.config[key]))) {
      throw new AppException('RATE_LIMITED', 'too many requests from this address; wait a minute');
    }
    return true;
  }
}
