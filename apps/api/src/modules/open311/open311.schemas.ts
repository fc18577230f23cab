import { z } from 'zod';
import { zDate } from '../../core/http/zod';

/** Form fields arrive as strings; an empty field means "not given". */
const blank = (v: unknown) => (v === '' || v === null ? undefined : v);
const num = (min: number, max: number, what: string) =>
  z.preprocess(
    blank,
    z.coerce
      .number({ error: `${what} must be a number` })
      .min(min, `${what} between ${min} and ${max}`)
      .max(max, `${what} between ${min} and ${max}`)
      .optional(),
  );
const text = (max: number) => z.preprocess(blank, z.string().max(max).optional());
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item).min(1),
  );

const POST_FIELDS = ['api_key', 'jurisdiction_id', 'service_code', 'lat', 'long', 'address_string', 'address_id', 'email', 'device_id', 'account_id', 'first_name', 'last_name', 'phone', 'description', 'media_url'];

/** POST requests.(json|xml): the GeoReport v2 fields; `attribute[...]` extensions are accepted and ignored. */
export const open311Post = z
  .object({
    api_key: z.string().optional(),
    jurisdiction_id: text(64),
    service_code: z.string({ error: 'service_code is required' }).regex(/^[a-z0-9_]{2,40}$/, 'a service_code from services.json'),
    lat: num(-90, 90, 'lat'),
    long: num(-180, 180, 'long'),
    address_string: text(300),
    address_id: text(64),
    email: text(200),
    device_id: text(200),
    account_id: text(200),
    first_name: text(64),
    last_name: text(64),
    phone: z.preprocess(
      blank,
      z
        .string()
        .regex(/^[0-9+\-() ]{3,24}$/, 'a phone number')
        .optional(),
    ),
    description: text(4000),
    media_url: z.preprocess(blank, z.url().max(2000).optional()),
  })
  .passthrough()
  .superRefine((v, ctx) => {
    const unknown = Object.keys(v).filter((k) => !POST_FIELDS.includes(k) && !/^attribute\[[^\]]{1,64}\](\[\])?$/.test(k));
    if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown field(s): ${unknown.join(', ')}`, path: [unknown[0]] });
    if ((v.lat === undefined) !== (v.long === undefined)) ctx.addIssue({ code: 'custom', message: 'lat and long go together: send both or neither', path: ['lat'] });
  });
export type Open311Post = z.output<typeof open311Post>;

export const open311Query = z.strictObject({
  api_key: z.string().optional(),
  jurisdiction_id: z.string().max(64).optional(),
  service_request_id: list(
    z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 53 - 1),
  ).optional(),
  service_code: list(z.string().regex(/^[a-z0-9_]{2,40}$/)).optional(),
  start_date: zDate.optional(),
  end_date: zDate.optional(),
  status: list(z.enum(['open', 'closed'])).optional(),
});
export type Open311Query = z.output<typeof open311Query>;

export const discoveryQuery = z.strictObject({ jurisdiction_id: z.string().max(64).optional(), api_key: z.string().optional() });
export const serviceFile = z.strictObject({ file: z.string().regex(/^[a-z0-9_]{2,40}\.(json|xml)$/, '<service_code>.json or .xml') });
export const requestFile = z.strictObject({ file: z.string().regex(/^[0-9]{1,15}\.(json|xml)$/, '<service_request_id>.json or .xml') });
