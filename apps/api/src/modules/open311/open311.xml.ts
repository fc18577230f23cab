import { XMLBuilder } from 'fast-xml-parser';

const builder = new XMLBuilder({ format: false, suppressEmptyNode: false });

/** GeoReport v2 XML: a root element holding one child element per item (e.g. service_requests/request). */
export function toXml(root: string, item: string, items: Record<string, unknown>[]): string {
  const clean = items.map((i) => Object.fromEntries(Object.entries(i).map(([k, v]) => [k, v === null || v === undefined ? '' : v])));
  return `<?xml version="1.0" encoding="utf-8"?>${builder.build({ [root]: { [item]: clean } })}`;
}
