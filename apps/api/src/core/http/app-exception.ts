import { ERROR_STATUS, type ErrorCode } from '@gc/contracts';

/**
 * The one exception type the domains throw. Each domain names its failures
 * with a stable code; the global filter maps the code to HTTP (ERROR_STATUS).
 */
export class AppException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string, id: unknown) => new AppException('NOT_FOUND', `${what} ${String(id)} not found`, { [what]: id });
