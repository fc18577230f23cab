import { z } from 'zod';
import { listQueryBase } from './registry.schemas';

const zHouseholdNo = z.string().trim().min(1).max(50);
const zKind = z.enum(['registered', 'floating']);
const zId = z
  .number()
  .int()
  .positive()
  .max(2 ** 53 - 1);

/** A household (户): its number, registered (户籍) or floating (流动), the place it lives at, its head. */
export const createHouseholdSchema = z.strictObject({
  householdNo: zHouseholdNo,
  type: zKind,
  placeId: zId,
  headPersonId: zId.nullable().optional(),
});
export type CreateHousehold = z.output<typeof createHouseholdSchema>;

export const updateHouseholdSchema = z.strictObject({
  type: zKind.optional(),
  placeId: zId.optional(),
  headPersonId: zId.nullable().optional(),
});
export type UpdateHousehold = z.output<typeof updateHouseholdSchema>;

export const listHouseholdsSchema = z.strictObject({
  area: listQueryBase.area,
  afterId: listQueryBase.afterId,
  limit: listQueryBase.limit,
  type: zKind.optional(),
  placeId: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 53 - 1)
    .optional(),
  householdNo: zHouseholdNo.optional(),
});
export type ListHouseholds = z.output<typeof listHouseholdsSchema>;
