import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { CsvError, CsvRecords } from './registry-import.csv';

/** What the import read CSV with before (csv-parse, the same options): the reader must agree with it. */
const oracle = (text: string) => parse(Buffer.from(text), { columns: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: false }) as Record<string, string>[];

const readAll = (text: string, sliceBytes?: number, chunk = 3) => {
  const csv = new CsvRecords(Buffer.from(text), sliceBytes);
  const rows: Record<string, string>[] = [];
  for (let part = csv.rows(chunk); part.length; part = csv.rows(chunk)) rows.push(...part);
  return rows;
};

/** A field as a spreadsheet would write it: quoted (quotes doubled) when it holds a delimiter, quote, line break or edge space. */
const cell = fc.tuple(fc.stringMatching(/^[a-z中文 ,"\r\n]{0,8}$/), fc.boolean(), fc.constantFrom('', ' ', '\t')).map(([v, forceQuote, pad]) => {
  const quote = forceQuote || /[,"\r\n]/.test(v) || v !== v.trim();
  return quote ? `${pad}"${v.replace(/"/g, '""')}"${pad}` : `${pad}${v}${pad}`;
});

describe('registry import CSV reader', () => {
  it('reads what csv-parse reads, whatever the slices and chunks (quotes, commas and line breaks in fields, CRLF, BOM, blank lines)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((cols) =>
          fc.record({
            cols: fc.constant(cols),
            rows: fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { maxLength: 6 }),
            eol: fc.constantFrom('\n', '\r\n'),
            bom: fc.boolean(),
            blankAfter: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
            trailing: fc.boolean(),
            slice: fc.integer({ min: 1, max: 40 }),
            chunk: fc.integer({ min: 1, max: 4 }),
          }),
        ),
        ({ cols, rows, eol, bom, blankAfter, trailing, slice, chunk }) => {
          const header = Array.from({ length: cols }, (_, k) => `c${k}`).join(',');
          // A record whose only field is empty would be a blank line: csv-parse skips it, so does the reader.
          const body = rows.filter((r) => r.join(',').trim() !== '').map((r, k) => r.join(',') + (blankAfter[k] ? eol : ''));
          const text = (bom ? '\ufeff' : '') + [header, ...body].join(eol) + (trailing ? eol : '');
          expect(readAll(text, slice, chunk)).toEqual(oracle(text));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads CR-only files (old spreadsheet exports) and estimates the rows from the line breaks', () => {
    const text = 'a,b\r1,2\r"x\ry",3\r';
    expect(readAll(text)).toEqual([
      { a: '1', b: '2' },
      { a: 'x\ry', b: '3' },
    ]);
    expect(new CsvRecords(Buffer.from('a,b\n1,2\n3,4\n')).estimate()).toBe(2);
    expect(new CsvRecords(Buffer.from('a,b\r\n1,2\r\n3,4')).estimate()).toBe(2);
    expect(new CsvRecords(Buffer.from('a,b\n')).estimate()).toBe(0);
  });

  it('names the line of a malformed record', () => {
    const bad = (text: string) => {
      try {
        readAll(text, 4);
      } catch (e) {
        expect(e).toBeInstanceOf(CsvError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(bad('a,b\n1,2\n\n3\n')).toBe('line 4: 1 fields where the header has 2');
    expect(bad('a,b\n"x\ny",2\n1,2,3\n')).toBe('line 4: 3 fields where the header has 2');
    expect(bad('a,b\n1,"2\n')).toBe('line 2: a quoted field is not closed');
    expect(bad('a,b\n1,"2"x\n')).toBe('line 2: text after a closing quote');
    expect(bad('a,b\n1,2"x"\n')).toMatch(/^line 2: a quote inside an unquoted field/);
  });
});
