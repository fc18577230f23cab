import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { Permission } from '@gc/contracts';
import type { Principal } from './principal';

export const IS_PUBLIC = 'auth:public';
export const REQUIRES = 'auth:requires';

/** Opt out of authentication (health, login, Open311 discovery). Everything else is guarded by default. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The permission a route needs; the guard answers 403 without it. */
export const Requires = (permission: Permission) => {
  const meta = SetMetadata(REQUIRES, permission);
  const bearer = ApiBearerAuth();
  // Published in OpenAPI so clients (and the access test) know what each operation needs.
  const documented = ApiExtension('x-permission', permission);
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    meta(target, key as string, descriptor as PropertyDescriptor);
    bearer(target, key as string, descriptor as PropertyDescriptor);
    documented(target, key as string, descriptor as PropertyDescriptor);
  };
};

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest().principal;
});
