import { z } from 'zod';
import { INDICATOR_GROUPINGS } from '@gc/contracts';
import { zId } from '../../core/http/zod';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(Date.parse(s)).toISOString().startsWith(s), 'a real calendar day')
  .refine((s) => s >= '2000-01-01' && s <= '2099-12-31', 'a day between 2000 and 2099');

const period = {
  from: day.optional(),
  to: day.optional(),
  attribution: z.enum(['then', 'now']).default('then'),
};

export const indicatorsQuery = z.strictObject({ groupBy: z.enum(INDICATOR_GROUPINGS).default('street'), ...period });
export const exportQuery = z.strictObject(period);
export const hotspotsQuery = z.strictObject({
  category: z
    .string()
    .regex(/^[a-z0-9_]{2,40}$/, 'a category code')
    .optional(),
  from: day.optional(),
  to: day.optional(),
});
export const caseCountsQuery = z.strictObject({
  parentCode: z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'an area code (letters, digits and underscore, at most 64)'),
  from: day.optional(),
  to: day.optional(),
});
export const warningsQuery = z.strictObject({
  status: z.enum(['open', 'acknowledged', 'dismissed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const warningParams = z.strictObject({ id: zId });
export const ackBody = z.strictObject({ status: z.enum(['acknowledged', 'dismissed']).default('acknowledged') }).default({ status: 'acknowledged' });
