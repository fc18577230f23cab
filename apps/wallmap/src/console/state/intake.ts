/**
 * The caller's data as the registries show it (the server stores it encrypted and masks it the
 * same way): a phone keeps its first 3 and last 4 digits, a name its first character.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return digits.replace(/./g, '*');
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (!chars.length) return '';
  return chars.length === 1 ? '*' : chars[0] + '*'.repeat(Math.min(chars.length - 1, 3));
}

export interface IntakeDraft {
  callerName: string;
  callerPhone: string;
  channel: 'hotline' | 'resident';
  lon: number | null;
  lat: number | null;
  address: string;
  category: string;
  urgency: 'normal' | 'urgent' | 'critical';
  title: string;
  description: string;
  attachments: { url: string; name?: string; type?: string }[];
}

export const EMPTY_DRAFT: IntakeDraft = { callerName: '', callerPhone: '', channel: 'hotline', lon: null, lat: null, address: '', category: '', urgency: 'normal', title: '', description: '', attachments: [] };

/** What is still missing before the report can be saved (i18n keys), in form order. */
export function missing(d: IntakeDraft): string[] {
  const out: string[] = [];
  if (d.lon === null || d.lat === null) out.push('intake.missing.place');
  if (!d.category) out.push('intake.missing.category');
  if (!d.title.trim() && !d.description.trim()) out.push('intake.missing.what');
  if (d.callerPhone && !/^[0-9+\- ]{3,20}$/.test(d.callerPhone)) out.push('intake.missing.phone');
  return out;
}

/** The POST /api/events body: the title falls back to the category and the address (what an operator would write). */
export function intakeBody(d: IntakeDraft, categoryName: string): Record<string, unknown> {
  const title = d.title.trim() || `${categoryName}${d.address ? ` · ${d.address}` : ''}`.slice(0, 200);
  const reporter = d.callerName.trim() || d.callerPhone.trim() ? { ...(d.callerName.trim() ? { name: d.callerName.trim() } : {}), ...(d.callerPhone.trim() ? { phone: d.callerPhone.trim() } : {}) } : undefined;
  return {
    title,
    category: d.category,
    urgency: d.urgency,
    source: d.channel,
    lon: d.lon,
    lat: d.lat,
    ...(d.address.trim() ? { address: d.address.trim() } : {}),
    ...(d.description.trim() ? { description: d.description.trim() } : {}),
    ...(reporter ? { reporter } : {}),
    ...(d.attachments.length ? { attachments: d.attachments } : {}),
  };
}
