import { parse } from 'csv-parse/sync';
import { AppException } from '../../core/http/app-exception';

const NUMBER_FIELDS = new Set(['lon', 'lat']);

/**
 * CSV history (header row of the JSON field names) → the JSON items the import validates.
 * Empty cells are "not given"; lon/lat become numbers (a non-number is then reported by
 * the schema, naming row and field); reporter_name / reporter_phone fill `reporter`.
 */
export function csvItems(text: string): unknown[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (e) {
    throw new AppException('VALIDATION_FAILED', `body: not readable CSV (${(e as Error).message})`, [{ field: 'body', message: 'not readable CSV' }]);
  }
  return rows.map((r) => {
    const item: Record<string, unknown> = {};
    const reporter: Record<string, string> = {};
    for (const [k, v] of Object.entries(r)) {
      if (v === '') continue;
      if (k === 'reporter_name') reporter.name = v;
      else if (k === 'reporter_phone') reporter.phone = v;
      else item[k] = NUMBER_FIELDS.has(k) && /^-?[0-9.]+$/.test(v) ? Number(v) : v;
    }
    if (Object.keys(reporter).length) item.reporter = reporter;
    return item;
  });
}
