import { z } from 'zod';
import { listQueryBase, unmaskQuery, zExternalId, zLat, zLon, zPhone, zResidentId, zText } from './registry.schemas';

const zTag = z.string().regex(/^[a-z0-9_]{2,40}$/, 'must be a tag code');

const personFields = {
  name: zText(100),
  idNumber: zResidentId.nullable().optional(),
  phone: zPhone.nullable().optional(),
  gender: z.enum(['male', 'female']).nullable().optional(),
  birthDate: z.iso.date().nullable().optional(),
  householdNo: zText(50).nullable().optional(),
  householdRole: zText(30).nullable().optional(),
  registration: z.enum(['registered', 'floating']),
  placeId: z.number().int().positive().nullable().optional(),
  tags: z.array(zTag).max(20).optional(),
  lon: zLon.nullable().optional(),
  lat: zLat.nullable().optional(),
};

const lonLatTogether = (v: { lon?: number | null; lat?: number | null }) => (v.lon == null) === (v.lat == null);

export const createPersonSchema = z
  .strictObject({ externalId: zExternalId.optional(), ...personFields, registration: personFields.registration.default('registered') })
  .refine(lonLatTogether, { message: 'lon and lat go together', path: ['lat'] });
export type CreatePerson = z.output<typeof createPersonSchema>;

export const updatePersonSchema = z
  .strictObject({ ...personFields, name: personFields.name.optional(), registration: personFields.registration.optional() })
  .refine(lonLatTogether, { message: 'lon and lat go together', path: ['lat'] });
export type UpdatePerson = z.output<typeof updatePersonSchema>;

export const listPeopleSchema = z.strictObject({
  ...listQueryBase,
  ...unmaskQuery,
  tag: zTag.optional(),
  registration: z.enum(['registered', 'floating']).optional(),
  householdNo: z.string().trim().min(1).max(50).optional(),
  placeId: z.coerce.number().int().positive().optional(),
  idNumber: zResidentId.optional(),
  phone: zPhone.optional(),
});
export type ListPeople = z.output<typeof listPeopleSchema>;

export const getPersonQuery = z.strictObject(unmaskQuery);
export type GetPersonQuery = z.output<typeof getPersonQuery>;
