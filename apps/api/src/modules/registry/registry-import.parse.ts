import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AppException } from '../../core/http/app-exception';

export type RawRow = Record<string, string>;

/** Rows of an uploaded CSV (UTF-8, header line) or XLSX (first sheet, header row), as trimmed strings keyed by header. */
export async function parseUpload(filename: string, mimetype: string, data: Buffer): Promise<RawRow[]> {
  const isXlsx = /\.xlsx$/i.test(filename) || mimetype.includes('spreadsheetml');
  if (isXlsx) {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(data as unknown as ArrayBuffer);
    } catch {
      throw new AppException('VALIDATION_FAILED', 'file: not a readable XLSX workbook', [{ field: 'file', message: 'unreadable XLSX' }]);
    }
    const sheet = wb.worksheets[0];
    if (!sheet) return [];
    const header: string[] = [];
    sheet.getRow(1).eachCell((cell, col) => (header[col] = String(cell.text ?? '').trim()));
    const rows: RawRow[] = [];
    for (let r = 2; r <= sheet.rowCount; r++) {
      const row: RawRow = {};
      sheet.getRow(r).eachCell((cell, col) => {
        if (header[col]) row[header[col]] = String(cell.text ?? '').trim();
      });
      rows.push(row);
    }
    return rows;
  }
  if (!/\.csv$/i.test(filename) && !/csv|text\/plain/.test(mimetype)) {
    throw new AppException('UNSUPPORTED_MEDIA_TYPE', 'file: upload a .csv or .xlsx file', [{ field: 'file', message: `unsupported type ${mimetype}` }]);
  }
  try {
    return parse(data, { columns: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: false }) as RawRow[];
  } catch (e) {
    throw new AppException('VALIDATION_FAILED', `file: not valid CSV (${(e as Error).message.slice(0, 120)})`, [{ field: 'file', message: 'invalid CSV' }]);
  }
}

const NUMERIC = new Set(['lon', 'lat', 'placeId', 'parentId']);

/** CSV strings → the JSON shape the create schemas accept (empty cells omitted, numbers parsed, tags split on ; or ,). */
export function coerceRow(raw: RawRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === '' || v === undefined) continue;
    if (NUMERIC.has(k)) out[k] = Number.isNaN(Number(v)) ? v : Number(v);
    else if (k === 'tags') out[k] = v.split(/[;,；，]/).map((s) => s.trim()).filter(Boolean);
    else out[k] = v;
  }
  return out;
}
