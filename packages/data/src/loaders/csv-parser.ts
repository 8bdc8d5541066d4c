import { DataError } from '../errors.js';

/** One parsed record: its fields and the line it started on (1-based, header included). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * An incremental RFC 4180 parser: feed it text chunks in order, it returns the records
 * completed so far. Handles quoted fields with commas, doubled quotes and newlines, CRLF and
 * LF line ends, a UTF-8 byte-order mark, and skips empty lines. `source` names the input in
 * errors.
 *
 * @example
 * const parser = new CsvParser('people.csv');
 * parser.push('name,age\nAda,36\n'); // [{ fields: ['name', 'age'], line: 1 }, { fields: ['Ada', '36'], line: 2 }]
 * parser.end();
 */
export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  private quoteJustClosed = false;
  private line = 1;
  private recordLine = 1;
  private started = false;
  private pendingCarriageReturn = false;
  private fieldTouched = false;

  constructor(
    private readonly source = 'CSV input',
    private readonly delimiter = ',',
  ) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new DataError(`Invalid value for \`delimiter\` in CsvParser. Expected one character other than a quote or newline. Received: ${JSON.stringify(delimiter)}.`);
    }
  }

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.pendingCarriageReturn) {
        this.pendingCarriageReturn = false;
        if (ch === '\n') continue; // CRLF: the record already ended at CR
      }
      if (this.inQuotes) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            this.field += '"';
            i++;
          } else if (i + 1 === text.length) {
            // A quote at the chunk's end: decide when the next chunk arrives.
            this.inQuotes = false;
            this.quoteJustClosed = true;
          } else {
            this.inQuotes = false;
            this.quoteJustClosed = true;
          }
        } else {
          if (ch === '\n') this.line++;
          else if (ch === '\r' && text[i + 1] !== '\n') this.line++;
          this.field += ch;
        }
        continue;
      }
      if (ch === '"') {
        if (this.quoteJustClosed) {
          // "" split across chunks, or a doubled quote right after a closing one.
          this.field += '"';
          this.inQuotes = true;
          this.quoteJustClosed = false;
          continue;
        }
        if (this.field.length > 0) {
          throw new DataError(`${this.source} line ${this.line}, column ${this.fields.length + 1}: a quote inside an unquoted field; quote the whole field and double inner quotes ("").`);
        }
        this.inQuotes = true;
        this.fieldTouched = true;
        continue;
      }
      if (ch === this.delimiter) {
        this.fields.push(this.field);
        this.field = '';
        this.quoteJustClosed = false;
        this.fieldTouched = true;
        continue;
      }
      if (ch === '\n' || ch === '\r') {
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
        if (ch === '\r') this.pendingCarriageReturn = true;
        continue;
      }
      if (this.quoteJustClosed) {
        throw new DataError(`${this.source} line ${this.line}, column ${this.fields.length + 1}: text after a closing quote; quote the whole field and double inner quotes ("").`);
      }
      this.field += ch;
      this.fieldTouched = true;
    }
    return out;
  }

  /** Flushes the last record; throws if a quoted field never closed. */
  end(): CsvRecord[] {
    if (this.inQuotes) throw new DataError(`${this.source} line ${this.recordLine}: a quoted field is never closed before the end of the input.`);
    const out: CsvRecord[] = [];
    this.endRecord(out);
    return out;
  }

  private endRecord(out: CsvRecord[]): void {
    const empty = this.fields.length === 0 && this.field === '' && !this.fieldTouched;
    if (!empty) out.push({ fields: [...this.fields, this.field], line: this.recordLine });
    this.fields = [];
    this.field = '';
    this.quoteJustClosed = false;
    this.fieldTouched = false;
  }
}
