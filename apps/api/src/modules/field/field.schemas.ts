import { z } from 'zod';
import { zDate } from '../../core/http/zod';

const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
const lonLatPair = z
  .string()
  .regex(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/, 'lon,lat in WGS-84 degrees')
  .transform((s) => s.split(',').map(Number) as [number, number])
  .refine(([x, y]) => Math.abs(x) <= 180 && Math.abs(y) <= 90, 'lon within ±180, lat within ±90');

/** A phone's batch: at most 500 positions (30 s at 1 Hz with room for a backlog), times not in the future. */
export const positionsBody = z.strictObject({
  positions: z
    .array(
      z.strictObject({
        at: zDate.refine((d) => d.getTime() <= Date.now() + 60_000, 'a position cannot be from the future'),
        lon,
        lat,
        accuracy: z.number().min(0).max(100_000).nullable().optional(),
      }),
    )
    .min(1)
    .max(500),
});

export const workersQuery = z.strictObject({
  near: lonLatPair,
  grid: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,64}$/)
    .optional(),
  available: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

export const patrolsQuery = z
  .strictObject({
    worker: z.coerce.number().int().positive().optional(),
    from: zDate.optional(),
    to: zDate.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

export const patrolSummaryQuery = z
  .strictObject({
    from: zDate.optional(),
    to: zDate.optional(),
    groupBy: z.enum(['worker', 'grid']).default('worker'),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

export const idParams = z.strictObject({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 53 - 1),
});

export const visitBody = z
  .strictObject({
    personId: z.number().int().positive().optional(),
    householdNo: z.string().min(1).max(64).optional(),
    placeId: z.number().int().positive().optional(),
    visitedAt: zDate.optional(),
    notes: z.string().max(4000).default(''),
    tags: z.array(z.string().min(1).max(32)).max(20).default([]),
    followUpEventIds: z.array(z.number().int().positive()).max(20).default([]),
  })
  .refine((v) => v.personId !== undefined || v.householdNo !== undefined || v.placeId !== undefined, {
    message: 'name the visited person, household or place (personId, householdNo or placeId)',
    path: ['personId'],
  });

export const visitsQuery = z
  .strictObject({
    personId: z.coerce.number().int().positive().optional(),
    placeId: z.coerce.number().int().positive().optional(),
    householdNo: z.string().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .refine((q) => [q.personId, q.placeId, q.householdNo].filter((x) => x !== undefined).length === 1, {
    message: 'exactly one of personId, placeId, householdNo',
    path: ['personId'],
  });

export const idempotencyKey = z.string().min(1).max(200).optional();
