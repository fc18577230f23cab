/**
 * Every error response of the API has this shape; the request id is in the
 * `x-request-id` header. `code` is stable and machine-readable; `message` is
 * for people; `details` says which field or feature is at fault.
 */
export interface ApiError {
  code: ErrorCode;
  message: string;
  details: unknown;
}

/** Stable error codes and the HTTP status each maps to (one table, one place). */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  ACCOUNT_LOCKED: 423,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  CONFLICT: 409,
  DUPLICATE: 409,
  ILLEGAL_TRANSITION: 409,
  IDEMPOTENCY_CONFLICT: 409,
  TOPOLOGY_BLOCKED: 409,
  GAPS_NOT_ACKNOWLEDGED: 409,
  VERSION_NOT_DRAFT: 409,
  VERSION_OUTDATED: 409,
  INVALID_GEOMETRY: 422,
  /** A configured limit (nesting depth, vertices, rings) was exceeded; details name the limit. */
  TOO_COMPLEX: 422,
  OUTSIDE_TERRITORY: 404,
  NOT_IN_ANY_GRID: 404,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
