import { Body, Param, Query, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery } from '@nestjs/swagger';
import { z, type ZodError, type ZodType } from 'zod';
import { AppException } from './app-exception';

export interface FieldProblem {
  field: string;
  message: string;
}

export function zodDetails(error: ZodError, where: string): FieldProblem[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join('.');
    // Unknown keys: name them, so the caller sees which field is not accepted.
    if (i.code === 'unrecognized_keys') {
      return { field: [where, path].filter(Boolean).join('.'), message: `unknown field(s): ${i.keys.join(', ')}` };
    }
    return { field: [where, path].filter(Boolean).join('.'), message: i.message };
  });
}

/** Validate one part of the request with a zod schema; a failure is a 400 naming the field. */
export class ZodPipe<T extends ZodType> implements PipeTransform {
  constructor(
    private readonly schema: T,
    private readonly where: 'body' | 'query' | 'params',
  ) {}

  transform(value: unknown): z.output<T> {
    const parsed = this.schema.safeParse(value ?? (this.where === 'body' ? undefined : {}));
    if (parsed.success) return parsed.data;
    // A configured limit (a refinement that names it in params.limit) is a 422 naming the setting.
    const limited = parsed.error.issues.find((i) => i.code === 'custom' && typeof (i as { params?: { limit?: unknown } }).params?.limit === 'string');
    if (limited) {
      const field = [this.where, ...limited.path.map(String)].join('.');
      throw new AppException('TOO_COMPLEX', `invalid ${field}: ${limited.message}`, { field, ...(limited as { params?: object }).params });
    }
    const details = zodDetails(parsed.error, this.where);
    throw new AppException('VALIDATION_FAILED', `invalid ${details[0].field}: ${details[0].message}`, details);
  }
}

export function jsonSchema(schema: ZodType, io: 'input' | 'output' = 'input'): Record<string, any> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, any>;
}

function describe(target: object, key: string | symbol | undefined, decorator: MethodDecorator): void {
  if (key === undefined) return;
  decorator(target, key, Object.getOwnPropertyDescriptor(target, key)!);
}

/** `@ZBody(schema)`: validate the body and document it in OpenAPI from the same schema. */
export function ZBody(schema: ZodType, description?: string): ParameterDecorator {
  return (target, key, index) => {
    describe(target, key, ApiBody({ schema: jsonSchema(schema), description }));
    Body(new ZodPipe(schema, 'body'))(target, key, index);
  };
}

/** `@ZQuery(schema)`: validate the query string (an object schema) and document each parameter. */
export function ZQuery(schema: z.ZodObject<any>): ParameterDecorator {
  return (target, key, index) => {
    const js = jsonSchema(schema, 'output'); // query strings are coerced: document the parsed type
    for (const [name, prop] of Object.entries<Record<string, any>>(js.properties ?? {})) {
      describe(target, key, ApiQuery({ name, required: (js.required ?? []).includes(name), schema: prop }));
    }
    Query(new ZodPipe(schema, 'query'))(target, key, index);
  };
}

/** `@ZParams(schema)`: validate path parameters. */
export function ZParams(schema: z.ZodObject<any>): ParameterDecorator {
  return (target, key, index) => {
    const js = jsonSchema(schema, 'output'); // query strings are coerced: document the parsed type
    for (const [name, prop] of Object.entries<Record<string, any>>(js.properties ?? {})) {
      describe(target, key, ApiParam({ name, required: true, schema: prop }));
    }
    Param(new ZodPipe(schema, 'params'))(target, key, index);
  };
}

/** Common query/param pieces. */
export const zId = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 53 - 1);

/**
 * A date or timestamp PostgreSQL can hold and a person could mean: years 0001–9999. `z.coerce.date()`
 * alone let `-271821-04-20` (JavaScript's earliest date) through to a query, where timestamptz
 * overflowed into a 500.
 */
export const zDate = z.coerce.date().refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, 'must be a date between year 1 and year 9999');
