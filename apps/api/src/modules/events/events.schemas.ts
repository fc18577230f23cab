import { z } from 'zod';
import { EVENT_SOURCES, EVENT_STATES, URGENCIES } from '@gc/contracts';
import { INPUT_CRS } from '@gc/geo';
import { zDate, zId } from '../../core/http/zod';
import { ATTACHMENT_URL_PATTERN } from './attachments.service';
import { EVENT_ACTIONS } from './event-workflow.rules';

const code = z.string().regex(/^[a-z0-9_]{2,40}$/, 'a category code (lower-case letters, digits, _)');
const deptCode = z.string().regex(/^[a-z0-9_]{2,32}$/, 'a department code');
export const lon = z.number().min(-180, 'longitude between -180 and 180').max(180, 'longitude between -180 and 180');
export const lat = z.number().min(-90, 'latitude between -90 and 90').max(90, 'latitude between -90 and 90');
const attachment = z.strictObject({
  // a link elsewhere, or one of ours from POST /api/attachments
  url: z.union([z.url({ protocol: /^https?$/ }).max(2000), z.string().regex(ATTACHMENT_URL_PATTERN)], 'an http(s) URL or /api/attachments/<id>'),
  name: z.string().max(200).optional(),
  type: z.string().max(100).optional(),
});
const bothOrNeither = (v: { lon?: number; lat?: number }) => (v.lon === undefined) === (v.lat === undefined);
const BOTH = { message: 'lon and lat go together: send both or neither', path: ['lat'] };

const eventFields = {
  title: z.string().trim().min(1).max(200),
  description: z.string().max(4000).optional(),
  category: code,
  urgency: z.enum(URGENCIES).optional(),
  source: z.enum(EVENT_SOURCES).optional(),
  lon: lon.optional(),
  lat: lat.optional(),
  crs: z.enum(INPUT_CRS).optional(),
  address: z.string().max(300).optional(),
  reporter: z
    .strictObject({
      name: z.string().max(64).optional(),
      phone: z
        .string()
        .regex(/^[0-9+\- ]{3,20}$/, 'digits, +, - or spaces')
        .optional(),
    })
    .optional(),
  externalId: z.string().min(1).max(64).optional(),
  attachments: z.array(attachment).max(20).optional(),
};

export const createEventBody = z.strictObject(eventFields).refine(bothOrNeither, BOTH);

/** Items of a live batch are checked one by one (a bad item is reported, the others go in). */
export const MAX_BATCH_EVENTS = 500;
export const batchEventsBody = z.strictObject({ events: z.array(z.unknown()).min(1, 'at least one event').max(MAX_BATCH_EVENTS, `at most ${MAX_BATCH_EVENTS} events`) });
/** The same, as documented in OpenAPI (each item is a POST /api/events body). */
export const batchEventsDoc = z.strictObject({ events: z.array(createEventBody).min(1).max(MAX_BATCH_EVENTS) });

export const importEventItem = z
  .strictObject({
    ...eventFields,
    reportedAt: zDate,
    closedAt: zDate.optional(),
    state: z.enum(EVENT_STATES).optional(),
  })
  .refine(bothOrNeither, BOTH)
  .refine((v) => !v.closedAt || v.closedAt >= v.reportedAt, { message: 'closedAt must not be before reportedAt', path: ['closedAt'] });
export const importEventsBody = z.array(importEventItem).min(1).max(5000);

export const transitionBody = z
  .strictObject({
    action: z.enum(EVENT_ACTIONS),
    note: z.string().max(2000).optional(),
    department: deptCode.optional(),
    departments: z.array(deptCode).min(1).max(20).optional(),
    minutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 365)
      .optional(),
    lon: lon.optional(),
    lat: lat.optional(),
    crs: z.enum(INPUT_CRS).optional(),
    attachments: z.array(attachment).max(20).optional(),
    satisfaction: z.number().int().min(1).max(5).optional(),
    passed: z.boolean().optional(),
    into: zId.optional(),
    /** dispatch: the grid worker to assign (a suggestion of GET /api/workers); default the grid's own worker */
    assignee: zId.optional(),
  })
  .refine(bothOrNeither, BOTH);

export const summonsBody = z.strictObject({
  departments: z.array(deptCode).min(1).max(20),
  reportWithinMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  note: z.string().max(2000).optional(),
});
export const reportInBody = z.strictObject({ note: z.string().max(2000).optional() }).optional();

const states = z
  .string()
  .transform((s) => s.split(',').filter(Boolean))
  .pipe(z.array(z.enum(EVENT_STATES)).min(1));

export const listEventsQuery = z.strictObject({
  state: states.optional(),
  area: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,64}$/, 'an area code')
    .optional(),
  category: code.optional(),
  department: deptCode.optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  since: zDate.optional(),
  until: zDate.optional(),
  before: zId.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const onTimeQuery = z.strictObject({ since: zDate.optional() });
export const idParams = z.strictObject({ id: zId });
export const summonsParams = z.strictObject({ id: zId, sid: zId });

export const nearbyQuery = z.strictObject({
  lon: z.coerce.number().pipe(lon),
  lat: z.coerce.number().pipe(lat),
  /** metres */
  radius: z.coerce.number().int().min(1).max(2000).default(200),
  category: code.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const openSummonsesQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(200) });
