import ExcelJS from 'exceljs';
import { AppException } from '../../core/http/app-exception';
import { CsvError, CsvRecords } from './registry-import.csv';

export type RawRow = Record<string, string>;
/** A row as the create schemas take it (coerceRow): empty cells left out, numbers parsed, tags split. */
export type Cells = Record<string, unknown>;

/**
 * The rows of an upload, read a chunk at a time (RegistryImportService validates and writes them
 * chunk by chunk; a retry reads them again from the start).
 */
export interface UploadRows {
  /** About how many data rows (line breaks of a CSV; exact for XLSX): chooses how the import writes, not what. */
  readonly estimate: number;
  /** Whether rows carry a point of their own (a lon column): the import then attributes them. */
  readonly located: boolean;
  /** A reader from the first data row: `next(max)` gives the next rows, at most max, [] at the end. */
  open(): { next(max: number): Cells[] };
  /** The exact number of data rows (reads them all). */
  count(): number;
}

/** Rows already in memory (an XLSX sheet, or a caller's array) as UploadRows. */
export function uploadRowsOf(rows: RawRow[]): UploadRows {
  return {
    estimate: rows.length,
    located: rows.some((r) => r.lon != null && r.lon !== ''),
    open() {
      let at = 0;
      return { next: (max: number) => rows.slice(at, (at += max)).map(coerceRow) };
    },
    count: () => rows.length,
  };
}

/** An uploaded CSV (UTF-8, header line) or XLSX (first sheet, header row): rows as trimmed strings keyed by header. */
export async function readUpload(filename: string, mimetype: string, data: Buffer): Promise<UploadRows> {
  const isXlsx = /\.xlsx$/i.test(filename) || mimetype.includes('spreadsheetml');
  if (isXlsx) return uploadRowsOf(await xlsxRows(data));
  if (!/\.csv$/i.test(filename) && !/csv|text\/plain/.test(mimetype)) {
    throw new AppException('UNSUPPORTED_MEDIA_TYPE', 'file: upload a .csv or .xlsx file', [{ field: 'file', message: `unsupported type ${mimetype}` }]);
  }
  const guard = <T>(read: () => T): T => {
    try {
      return read();
    } catch (e) {
      if (!(e instanceof CsvError)) throw e;
      throw new AppException('VALIDATION_FAILED', `file: not valid CSV (${e.message})`, [{ field: 'file', message: 'invalid CSV' }]);
    }
  };
  const first = guard(() => new CsvRecords(data));
  const header = first.header;
  const cell = header.map(cellOf);
  return {
    estimate: first.estimate(),
    located: header.includes('lon'),
    open() {
      const csv = guard(() => new CsvRecords(data));
      // Straight from the fields to the schema's shape (coerceRow without the object of strings between).
      return {
        next: (max: number) =>
          guard(() => csv.records(max)).map((f) => {
            const out: Cells = {};
            for (let k = 0; k < f.length; k++) if (f[k] !== '') out[header[k]] = cell[k](f[k]);
            return out;
          }),
      };
    },
    count: () =>
      guard(() => {
        const csv = new CsvRecords(data);
        let n = 0;
        for (let part = csv.records(10000); part.length; part = csv.records(10000)) n += part.length;
        return n;
      }),
  };
}

/** The first sheet of an XLSX workbook, header row first. */
async function xlsxRows(data: Buffer): Promise<RawRow[]> {
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

const NUMERIC = new Set(['lon', 'lat', 'placeId', 'parentId']);
const asNumber = (v: string) => (Number.isNaN(Number(v)) ? v : Number(v));
const asTags = (v: string) =>
  v
    .split(/[;,；，]/)
    .map((s) => s.trim())
    .filter(Boolean);
const asText = (v: string) => v;

/** How a column's non-empty cells become the schema's shape: numbers parsed, tags split on ; or , (full-width too). */
function cellOf(column: string): (v: string) => unknown {
  return NUMERIC.has(column) ? asNumber : column === 'tags' ? asTags : asText;
}

/** Strings keyed by header → the JSON shape the create schemas accept (empty cells omitted). */
export function coerceRow(raw: RawRow): Cells {
  const out: Cells = {};
  for (const k in raw) {
    const v = raw[k];
    if (v !== '' && v !== undefined) out[k] = cellOf(k)(v);
  }
  return out;
}
