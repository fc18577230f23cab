import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppException } from './app-exception';
import { ErrorFilter } from './error.filter';
import { inputLimits } from './input-limits';

/** Bodies already checked piece by piece as they were parsed (json-body.ts): not walked again. */
export const checkedBodies = new WeakSet<object>();

/**
 * Two things no field of any route may carry, checked once for every request before its handler:
 * - a NUL character (U+0000): PostgreSQL text and jsonb cannot store it, so it failed deep in a query
 *   as a 500 ("invalid byte sequence", "unsupported Unicode escape sequence");
 * - JSON nested deeper than JSON_MAX_DEPTH: recursive code (the pg driver's value preparation,
 *   jsonb, the audit copy) ran out of stack on `properties` nested 5,000 deep.
 * The walk is iterative (it cannot overflow itself) and allocation-free on the common path; the
 * field at fault is named by a second, slower walk only when there is one.
 */
export type Problem = { kind: 'nul'; field: string } | { kind: 'depth'; field: string };

const hasNul = (s: string) => s.indexOf('\u0000') !== -1;

/** First problem in a parsed value, or null. `where` prefixes the field name (body, query). */
export function findProblem(value: unknown, where: string, maxDepth: number): Problem | null {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' && hasNul(value) ? { kind: 'nul', field: where } : null;
  }
  if (ArrayBuffer.isView(value)) return null; // raw bytes (uploads) are not text
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length) {
    const v = stack.pop() as object;
    const d = depths.pop()!;
    if (ArrayBuffer.isView(v)) continue;
    if (d > maxDepth) return { kind: 'depth', field: locate(value, where, (_, depth) => depth > maxDepth) };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (typeof x === 'string') {
          if (hasNul(x)) return { kind: 'nul', field: locate(value, where, isNul) };
        } else if (x !== null && typeof x === 'object') {
          stack.push(x);
          depths.push(d + 1);
        }
      }
    } else {
      for (const k in v) {
        if (hasNul(k)) return { kind: 'nul', field: locate(value, where, isNul) };
        const x = (v as Record<string, unknown>)[k];
        if (typeof x === 'string') {
          if (hasNul(x)) return { kind: 'nul', field: locate(value, where, isNul) };
        } else if (x !== null && typeof x === 'object') {
          stack.push(x);
          depths.push(d + 1);
        }
      }
    }
  }
  return null;
}

const isNul = (v: unknown, _depth: number, key: string) => (typeof v === 'string' && hasNul(v)) || hasNul(key);

/** The dotted path of the first value matching `bad` (depth-first, iterative), for the error's `field`. */
function locate(root: unknown, where: string, bad: (v: unknown, depth: number, key: string) => boolean): string {
  const stack: [unknown, number, string[]][] = [[root, 1, []]];
  while (stack.length) {
    const [v, d, path] = stack.pop()!;
    if (bad(v, d, path.at(-1) ?? '')) return [where, ...path].join('.');
    if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) stack.push([x, d + 1, [...path, k]]);
    }
  }
  return where;
}

export function problemException(p: Problem): AppException {
  if (p.kind === 'nul') {
    return new AppException('VALIDATION_FAILED', `invalid ${p.field}: contains a NUL character (U+0000), which no text field accepts`, [{ field: p.field, message: 'contains a NUL character (U+0000)' }]);
  }
  const max = inputLimits.jsonMaxDepth;
  return new AppException('TOO_COMPLEX', `${p.field} is nested more than ${max} levels deep (limit JSON_MAX_DEPTH)`, {
    field: p.field,
    limit: 'JSON_MAX_DEPTH',
    max,
  });
}

/** Install the check as a Fastify preValidation hook (after the body is parsed, before Nest's guards and pipes). */
export function registerInputGuard(fastify: FastifyInstance): void {
  const filter = new ErrorFilter();
  fastify.addHook('preValidation', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const max = inputLimits.jsonMaxDepth;
    // The URL: %00 anywhere (path or query) decodes to NUL; name the query field when it is one.
    let problem: Problem | null = null;
    if (request.url.includes('%00')) problem = findProblem(request.query, 'query', max) ?? { kind: 'nul', field: 'url' };
    // A large import body was checked piece by piece as it was parsed (json-body.ts).
    if (!(request.body !== null && typeof request.body === 'object' && checkedBodies.has(request.body))) problem ??= findProblem(request.body, 'body', max);
    if (!problem) return done();
    const [status, body] = filter.toResponse(problemException(problem), request);
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  });
}
