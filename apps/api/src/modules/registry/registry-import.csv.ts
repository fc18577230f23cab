/**
 * The CSV of a registry import (UTF-8, header line, comma-separated, RFC 4180 quotes), read a
 * chunk of records at a time straight from the uploaded bytes: a 1M-row upload is never a
 * 1M-element array of objects (csv-parse took ~7 µs a row and returned every row at once; this
 * reader ~1.6 µs with the objects, one chunk alive at a time). The rules the import read CSV with
 * before (csv-parse's, checked against it by a property test): a BOM is skipped; records end at
 * CRLF, LF or CR (whichever the file uses first); blank lines are skipped (also lines of only
 * spaces or tabs); unquoted fields are trimmed; in a quoted field `""` is a quote and commas and
 * line breaks are text; every record has as many fields as the header. A malformed file fails
 * with CsvError naming the line.
 */

export class CsvError extends Error {}

/** Decoded text taken from the bytes at a time (cut after a line break, so never inside a UTF-8 sequence). */
const SLICE_BYTES = 1 << 20;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** A line of only spaces and tabs (or nothing) is not a record. */
const isBlank = (line: string) => line.length === 0 || ((line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) && /^[ \t]*$/.test(line));

export class CsvRecords {
  readonly header: string[];
  /** The record delimiter's last character: LF for LF and CRLF files, CR for CR-only files. */
  private readonly eol: number;
  private text = '';
  private at = 0;
  private byte = 0;
  private line = 1;
  /** Line the last record returned started on. */
  private started = 1;

  /** `sliceBytes`: how much to decode at a time (tests make it tiny to cross slice ends everywhere). */
  constructor(
    private readonly data: Buffer,
    private readonly sliceBytes = SLICE_BYTES,
  ) {
    this.byte = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
    const lf = data.indexOf(LF, this.byte);
    const cr = data.indexOf(CR, this.byte);
    this.eol = cr >= 0 && (lf < 0 || cr < lf) && data[cr + 1] !== LF ? CR : LF;
    this.header = (this.record() ?? []).map((h) => h.trim());
  }

  /**
   * About how many data records: line breaks of the file's kind, less the header's. Exact for a
   * file without blank lines or line breaks inside quotes, more otherwise; costs one scan of the
   * bytes (memchr), not a parse.
   */
  estimate(): number {
    let n = 0;
    for (let k = this.data.indexOf(this.eol); k >= 0; k = this.data.indexOf(this.eol, k + 1)) n++;
    const last = this.data.length ? this.data[this.data.length - 1] : this.eol;
    if (last !== LF && last !== CR) n++;
    return Math.max(0, n - 1);
  }

  /** Up to `max` records, each as its fields in header order; fewer only at the end of the file. */
  records(max: number): string[][] {
    const out: string[][] = [];
    const width = this.header.length;
    while (out.length < max) {
      const f = this.record();
      if (!f) break;
      if (f.length !== width) throw new CsvError(`line ${this.started}: ${f.length} fields where the header has ${width}`);
      out.push(f);
    }
    return out;
  }

  /** Up to `max` records as objects keyed by header. */
  rows(max: number): Record<string, string>[] {
    return this.records(max).map((f) => Object.fromEntries(this.header.map((h, k) => [h, f[k]])));
  }

  /** The next non-blank record's fields, or null at the end. */
  private record(): string[] | null {
    for (;;) {
      if (this.at >= this.text.length && !this.more()) return null;
      const s = this.text;
      const eol = s.indexOf(this.eol === LF ? '\n' : '\r', this.at);
      // Slices end after a line break, so an unquoted record always ends inside the text.
      const end = eol < 0 ? s.length : eol;
      let line = s.slice(this.at, end);
      if (this.eol === LF && line.charCodeAt(line.length - 1) === CR) line = line.slice(0, -1);
      this.started = this.line;
      if (line.indexOf('"') < 0) {
        this.at = end + 1;
        this.line++;
        if (isBlank(line)) continue;
        const f = line.split(',');
        for (let k = 0; k < f.length; k++) f[k] = f[k].trim();
        return f;
      }
      return this.quotedRecord();
    }
  }

  /** A record with quotes, character by character from `at` (it may span lines). */
  private quotedRecord(): string[] {
    for (;;) {
      const s = this.text;
      const fields: string[] = [];
      let i = this.at;
      let lines = 0;
      let done = false;
      while (!done) {
        // One field from i.
        let j = i;
        while (j < s.length && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9)) j++;
        if (s.charCodeAt(j) === QUOTE) {
          let value = '';
          let k = j + 1;
          for (;;) {
            const q = s.indexOf('"', k);
            if (q < 0) {
              // The quote closes in text not decoded yet (or never).
              if (this.more()) break;
              throw new CsvError(`line ${this.line}: a quoted field is not closed`);
            }
            value += s.slice(k, q);
            if (s.charCodeAt(q + 1) === QUOTE) {
              value += '"';
              k = q + 2;
              continue;
            }
            k = q + 1;
            break;
          }
          if (this.text !== s) break; // more text came: parse the record again from its start
          lines += countBreaks(value, this.eol);
          while (k < s.length && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
          if (this.eol === LF && s.charCodeAt(k) === CR && s.charCodeAt(k + 1) === LF) k++;
          fields.push(value);
          const c = s.charCodeAt(k);
          if (k >= s.length || c === this.eol) {
            i = k + 1;
            done = true;
          } else if (c === 44) {
            i = k + 1;
          } else {
            throw new CsvError(`line ${this.line + lines}: text after a closing quote`);
          }
        } else {
          let k = j;
          while (k < s.length) {
            const c = s.charCodeAt(k);
            if (c === 44 || c === this.eol) break;
            if (c === QUOTE) throw new CsvError(`line ${this.line + lines}: a quote inside an unquoted field (quote the whole field and double the quote)`);
            k++;
          }
          fields.push(s.slice(j, k).trim());
          i = k + 1;
          done = s.charCodeAt(k) !== 44;
        }
      }
      if (!done) continue;
      this.at = i;
      this.line += lines + 1;
      return fields;
    }
  }

  /** Decode the next slice of bytes onto the unparsed text; false at the end of the bytes. */
  private more(): boolean {
    if (this.byte >= this.data.length) return false;
    const cut = this.data.indexOf(this.eol, Math.min(this.data.length, this.byte + this.sliceBytes));
    const end = cut < 0 ? this.data.length : cut + 1;
    this.text = this.text.slice(this.at) + this.data.toString('utf8', this.byte, end);
    this.at = 0;
    this.byte = end;
    return true;
  }
}

function countBreaks(value: string, eol: number): number {
  let n = 0;
  const ch = eol === LF ? '\n' : '\r';
  for (let k = value.indexOf(ch); k >= 0; k = value.indexOf(ch, k + 1)) n++;
  return n;
}
