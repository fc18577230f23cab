import { z } from 'zod';
import { listQueryBase, PLACE_KINDS, zExternalId, zFootprint, zLat, zLon, zText } from './registry.schemas';

const addressParts = {
  compound: zText(100).nullable().optional(),
  building: zText(50).nullable().optional(),
  unit: zText(50).nullable().optional(),
  floor: zText(20).nullable().optional(),
  room: zText(50).nullable().optional(),
};

export const createPlaceSchema = z.strictObject({
  externalId: zExternalId.optional(),
  kind: z.enum(PLACE_KINDS),
  name: zText(200),
  address: zText(300).nullable().optional(),
  ...addressParts,
  parentId: z.number().int().positive().nullable().optional(),
  lon: zLon,
  lat: zLat,
  footprint: zFootprint.nullable().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
});
export type CreatePlace = z.output<typeof createPlaceSchema>;

export const updatePlaceSchema = z
  .strictObject({
    kind: z.enum(PLACE_KINDS).optional(),
    name: zText(200).optional(),
    address: zText(300).nullable().optional(),
    ...addressParts,
    parentId: z.number().int().positive().nullable().optional(),
    lon: zLon.optional(),
    lat: zLat.optional(),
    footprint: zFootprint.nullable().optional(),
    properties: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((v) => (v.lon === undefined) === (v.lat === undefined), { message: 'lon and lat move together', path: ['lat'] });
export type UpdatePlace = z.output<typeof updatePlaceSchema>;

export const listPlacesSchema = z.strictObject({ ...listQueryBase, kind: z.enum(PLACE_KINDS).optional() });
export type ListPlaces = z.output<typeof listPlacesSchema>;
