import { z } from 'zod';
import { listQueryBase, OBJECT_CONDITIONS, ORG_KINDS, unmaskQuery, zExternalId, zLat, zLon, zPhone, zText, zUscc } from './registry.schemas';

const zCategory = z.string().regex(/^[0-9]{2}([0-9]{2})?$/, 'must be a 2- or 4-digit category code');
const zDept = z.string().regex(/^[a-z0-9_]{2,32}$/, 'must be a department code');
const lonLatTogether = (v: { lon?: number | null; lat?: number | null }) => (v.lon == null) === (v.lat == null);

export const createObjectSchema = z.strictObject({
  externalId: zExternalId.optional(),
  categoryCode: zCategory,
  name: zText(200),
  condition: z.enum(OBJECT_CONDITIONS).default('intact'),
  owner: zText(200).nullable().optional(),
  departmentCode: zDept.nullable().optional(),
  address: zText(300).nullable().optional(),
  lon: zLon,
  lat: zLat,
});
export type CreateObject = z.output<typeof createObjectSchema>;

export const updateObjectSchema = z
  .strictObject({
    categoryCode: zCategory.optional(),
    name: zText(200).optional(),
    condition: z.enum(OBJECT_CONDITIONS).optional(),
    owner: zText(200).nullable().optional(),
    departmentCode: zDept.nullable().optional(),
    address: zText(300).nullable().optional(),
    lon: zLon.optional(),
    lat: zLat.optional(),
  })
  .refine(lonLatTogether, { message: 'lon and lat move together', path: ['lat'] });
export type UpdateObject = z.output<typeof updateObjectSchema>;

export const listObjectsSchema = z.strictObject({
  ...listQueryBase,
  category: zCategory.optional(),
  condition: z.enum(OBJECT_CONDITIONS).optional(),
  departmentCode: zDept.optional(),
});
export type ListObjects = z.output<typeof listObjectsSchema>;

const orgFields = {
  kind: z.enum(ORG_KINDS),
  name: zText(200),
  uscc: zUscc.nullable().optional(),
  address: zText(300).nullable().optional(),
  placeId: z.number().int().positive().nullable().optional(),
  contactName: zText(100).nullable().optional(),
  contactPhone: zPhone.nullable().optional(),
  lon: zLon.nullable().optional(),
  lat: zLat.nullable().optional(),
};

export const createOrgSchema = z.strictObject({ externalId: zExternalId.optional(), ...orgFields }).refine(lonLatTogether, { message: 'lon and lat go together', path: ['lat'] });
export type CreateOrg = z.output<typeof createOrgSchema>;

export const updateOrgSchema = z.strictObject({ ...orgFields, kind: orgFields.kind.optional(), name: orgFields.name.optional() }).refine(lonLatTogether, { message: 'lon and lat go together', path: ['lat'] });
export type UpdateOrg = z.output<typeof updateOrgSchema>;

export const listOrgsSchema = z.strictObject({ ...listQueryBase, ...unmaskQuery, kind: z.enum(ORG_KINDS).optional(), uscc: zUscc.optional(), placeId: z.coerce.number().int().positive().optional() });
export type ListOrgs = z.output<typeof listOrgsSchema>;
