import { z } from 'zod';
import { phoneProblem, residentIdProblem, usccProblem } from '@gc/contracts';
import { geometryOverLimits, inputLimits } from '../../core/http/input-limits';

/** Zod pieces shared by the four registries (one schema validates and documents each route). */

export const zText = (max = 200) => z.string().trim().min(1).max(max);
export const zLon = z.number().min(-180, 'must be a longitude between -180 and 180').max(180, 'must be a longitude between -180 and 180');
export const zLat = z.number().min(-90, 'must be a latitude between -90 and 90').max(90, 'must be a latitude between -90 and 90');
export const zExternalId = z.string().trim().min(1).max(100);

/** A number checked by its own rule (`problem` names what is wrong, or null). */
const zChecked = <T extends z.ZodType<string>>(base: T, problem: (v: string) => string | null) =>
  base.superRefine((v, ctx) => {
    const p = problem(v);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });
const zUpper = () =>
  z
    .string()
    .trim()
    .transform((v) => v.toUpperCase());

export const zResidentId = zChecked(zUpper(), residentIdProblem);
export const zPhone = zChecked(z.string().trim(), phoneProblem);
export const zUscc = zChecked(zUpper(), usccProblem);

/**
 * A MultiPolygon or Polygon footprint (shape here; ST_IsValid again in the database). Its size is
 * counted first, stopping at FOOTPRINT_MAX_VERTICES / FOOTPRINT_MAX_RINGS (422 naming the limit), so
 * a 1.4M-vertex polygon is refused before zod looks at each of its positions.
 */
const ring = z.array(z.tuple([zLon, zLat])).min(4);
export const zFootprint = z
  .unknown()
  .superRefine((v, ctx) => {
    const over = geometryOverLimits(v, inputLimits.footprint);
    if (over) ctx.addIssue({ code: 'custom', message: over.message, params: { limit: over.limit, max: over.max } });
  })
  .pipe(z.union([z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }), z.strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) })]));

export const PLACE_KINDS = ['compound', 'building', 'unit', 'room', 'shop', 'school', 'site', 'rental_housing', 'poi'] as const;
export const OBJECT_CONDITIONS = ['intact', 'damaged', 'lost', 'removed'] as const;
export const ORG_KINDS = ['company', 'shop', 'social_org', 'party_org', 'property_mgmt', 'owners_committee'] as const;

const zBoolString = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Query pieces every list accepts. */
export const listQueryBase = {
  area: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,64}$/, 'must be an area code')
    .optional(),
  q: z.string().trim().min(1).max(100).optional(),
  afterId: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
};

/** `?unmask=true&purpose=…`: clear personal data for callers with pii:unmask, each read audited; `purpose` also states why an exact-match lookup (people `idNumber=` / `phone=`) is made. */
export const unmaskQuery = {
  unmask: zBoolString.optional(),
  purpose: z.string().trim().min(4, 'state why you need the clear value (at least 4 characters)').max(500).optional(),
};

export const idParams = z.strictObject({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 53 - 1),
});

/** Escape LIKE wildcards so a search for "100%" means the text, not a pattern. */
export function likePattern(q: string): string {
  return '%' + q.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}
