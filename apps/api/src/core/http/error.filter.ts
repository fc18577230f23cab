import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import type { ApiError, ErrorCode } from '@gc/contracts';
import { AppException } from './app-exception';
import { zodDetails } from './zod';

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/**
 * Every error leaves the API in one shape: `{ code, message, details }`.
 * Anything not recognised is a 500 with a generic message; its stack goes to
 * the log with the request id, never request bodies (they may hold personal data).
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const [status, body] = this.toResponse(exception, request);
    if (status >= 500) {
      this.logger.error(`${request.id} ${request.method} ${request.routeOptions?.url ?? ''}: ${(exception as Error)?.stack ?? String(exception)}`);
    }
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  toResponse(exception: unknown, request?: FastifyRequest): [number, ApiError] {
    const out = (status: number, code: ErrorCode, message: string, details: unknown = null): [number, ApiError] => [status, { code, message, details }];
    if (exception instanceof AppException) return out(exception.status, exception.code, exception.message, exception.details);
    if (exception instanceof ZodError) {
      const details = zodDetails(exception, 'body');
      return out(400, 'VALIDATION_FAILED', `invalid ${details[0]?.field ?? 'input'}: ${details[0]?.message ?? ''}`, details);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return out(404, 'ROUTE_NOT_FOUND', `no route ${request?.method ?? ''} ${request?.url?.split('?')[0] ?? ''}`);
      if (status === 413) return out(413, 'PAYLOAD_TOO_LARGE', 'request body is too large');
      if (status === 401) return out(401, 'UNAUTHENTICATED', exception.message);
      if (status === 403) return out(403, 'FORBIDDEN', exception.message);
      if (status === 429) return out(429, 'RATE_LIMITED', 'too many requests; slow down');
      if (status < 500) return out(status, 'BAD_REQUEST', exception.message);
    }
    const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500) {
      const s = fastifyError.statusCode;
      if (s === 413) return out(413, 'PAYLOAD_TOO_LARGE', 'request body is too large');
      if (s === 415) return out(415, 'UNSUPPORTED_MEDIA_TYPE', fastifyError.message ?? 'unsupported content type');
      if (s === 429) return out(429, 'RATE_LIMITED', 'too many requests; slow down');
      return out(s === 404 ? 404 : 400, s === 404 ? 'ROUTE_NOT_FOUND' : 'BAD_REQUEST', fastifyError.message ?? 'bad request', {
        reason: fastifyError.code ?? null,
      });
    }
    const pg = exception as PgError;
    if (pg?.code === '23505') return out(409, 'DUPLICATE', 'a record with the same key already exists', { constraint: pg.constraint ?? null });
    // A value the database cannot hold that slipped past the edge checks (they name the field; this
    // backstop only keeps it a 400): NUL in text (22021) or jsonb (22P05), a timestamp out of range (22008).
    const unstorable: Record<string, string> = {
      '22021': 'a text value contains a character the database cannot store (NUL)',
      '22P05': 'a JSON value contains a character the database cannot store (\\u0000)',
      '22008': 'a date or time is out of range',
    };
    if (pg?.code && unstorable[pg.code]) return out(400, 'VALIDATION_FAILED', unstorable[pg.code], { reason: pg.code });
    if (pg?.code === '40001' || pg?.code === '40P01') return out(503, 'SERVICE_UNAVAILABLE', 'concurrent update; retry the request');
    return out(500, 'INTERNAL', 'internal error; it has been logged with the request id');
  }
}
