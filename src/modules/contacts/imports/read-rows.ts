import { type Readable, Transform } from 'node:stream';
import Papa from 'papaparse';
import { createDecoder, type TextEncodingName } from './text-decoding.ts';

/** One record of a file: its row number as a spreadsheet shows it (the header is row 1) and its cells. */
export interface FileRow {
  rowNumber: number;
  cells: string[];
  /** Set when the record itself is broken (unbalanced quotes, absurdly long). */
  problem?: 'row_malformed' | 'row_too_long' | 'row_limit_exceeded';
}

/** How to read a stored upload. */
export interface ReadOptions {
  format: 'csv' | 'xlsx';
  encoding: TextEncodingName;
  delimiter: string;
}

/** Counts bytes flowing through so progress can be shown before the row count is known. */
export interface ByteCounter {
  bytesRead: number;
}

/** Data rows one import may hold; later rows are reported, not imported. */
export const MAX_IMPORT_ROWS = 1_000_000;

/** A record longer than this (typically an unclosed quote swallowing the file) is reported and skipped. */
export const MAX_RECORD_CHARS = 1_000_000;

/**
 * Reads every non-empty record of a CSV or XLSX file, header included, without holding the file in
 * memory: CSV through papaparse's parser fed chunk by chunk (records that straddle chunks are carried
 * over), XLSX through exceljs's streaming reader (first worksheet). Completely empty records are
 * skipped but still counted for row numbers.
 */
export function readRows(stream: Readable, options: ReadOptions, counter: ByteCounter = { bytesRead: 0 }): AsyncGenerator<FileRow> {
  // Counted as the reader pulls (a 'data' listener would switch the stream to flowing mode and let
  // it run ahead of the parser, buffering the file in memory).
  const counted = stream.pipe(
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        counter.bytesRead += chunk.length;
        done(null, chunk);
      },
    }),
  );
  stream.once('error', (err) => counted.destroy(err));
  const rows = options.format === 'xlsx' ? readXlsx(counted) : readCsv(counted, options);
  return (async function* () {
    try {
      yield* rows;
    } finally {
      stream.destroy();
    }
  })();
}

async function* readCsv(stream: Readable, options: ReadOptions): AsyncGenerator<FileRow> {
  const decoder = createDecoder(options.encoding);
  let carry = '';
  let rowNumber = 0;
  const config: Papa.ParseConfig = { delimiter: options.delimiter, quoteChar: '"', escapeChar: '"' };
  const row = (cells: string[], problem?: FileRow['problem']): FileRow | null => {
    rowNumber++;
    if (problem) return { rowNumber, cells, problem };
    return isBlank(cells) ? null : { rowNumber, cells };
  };

  /**
   * Parses complete records of `text` (all of it when `last`), leaving an incomplete last record in
   * `carry`. A broken quote (`"abc"def`, or one never closed) would otherwise swallow every following
   * line into one field; instead the physical line holding it is reported as malformed and parsing
   * resumes on the next line, so one stray quote costs one row, not the rest of the file.
   */
  function* emit(text: string, last: boolean): Generator<FileRow> {
    let pos = 0;
    for (;;) {
      const input = pos ? text.slice(pos) : text;
      const parsed: Papa.ParseResult<string[]> = new Papa.Parser(config).parse(input, 0, !last);
      // A quote problem in the last, incomplete record of a chunk may be the chunk boundary (the record
      // continues in the next chunk): it is judged once more text came, at the end of the file, or
      // past MAX_RECORD_CHARS. Problems in complete records are real.
      const broken = parsed.errors.find(
        (e) => e.type === 'Quotes' && typeof e.index === 'number' && (last || (e.row !== undefined && e.row < parsed.data.length)),
      );
      const goodRows = broken ? (broken.row ?? 0) : parsed.data.length;
      for (let i = 0; i < goodRows && i < parsed.data.length; i++) {
        const r = row(parsed.data[i]!);
        if (r) yield r;
      }
      if (!broken) {
        carry = last ? '' : input.slice(parsed.meta.cursor);
        return;
      }
      const at = pos + broken.index!;
      const lineStart = Math.max(pos, text.lastIndexOf('\n', at - 1) + 1);
      let lineEnd = text.indexOf('\n', at);
      if (lineEnd === -1) {
        if (!last) {
          carry = text.slice(lineStart);
          return;
        }
        lineEnd = text.length;
      }
      yield row(text.slice(lineStart, lineEnd).replace(/\r$/, '').split(options.delimiter), 'row_malformed')!;
      pos = lineEnd + 1;
      if (pos >= text.length) {
        carry = '';
        return;
      }
    }
  }
  try {
    for await (const chunk of stream) {
      const text = carry + decoder.write(chunk as Buffer);
      // Decided once, so a chunk that happens to end between "\r" and "\n" cannot change it.
      config.newline ??= text.includes('\r\n') ? '\r\n' : text.includes('\n') ? '\n' : text.includes('\r') ? '\r' : undefined;
      yield* emit(text, false);
      // A quote opened and never closed keeps growing the pending record: past MAX_RECORD_CHARS its
      // first line is reported and the rest is parsed again, so memory stays bounded.
      while (carry.length > MAX_RECORD_CHARS) {
        const nl = carry.indexOf('\n');
        const line = nl === -1 ? carry : carry.slice(0, nl);
        yield row(line.slice(0, 1000).split(options.delimiter), line.includes('"') ? 'row_malformed' : 'row_too_long')!;
        const rest = nl === -1 ? '' : carry.slice(nl + 1);
        carry = '';
        yield* emit(rest, false);
      }
    }
    yield* emit(carry + decoder.end(), true);
  } finally {
    stream.destroy();
  }
}

function isBlank(cells: string[]): boolean {
  for (const c of cells) if (c.trim() !== '') return false;
  return true;
}

async function* readXlsx(stream: Readable): AsyncGenerator<FileRow> {
  // Loaded on first use: exceljs and its zip libraries are a quarter of a cold start's CPU.
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  try {
    for await (const worksheet of reader) {
      for await (const row of worksheet) {
        const values = row.values;
        const cells: string[] = [];
        if (Array.isArray(values)) {
          for (let c = 1; c < values.length; c++) cells.push(cellText(values[c]));
        }
        if (isBlank(cells)) continue;
        yield { rowNumber: row.number, cells };
      }
      break; // only the first worksheet
    }
  } finally {
    stream.destroy();
  }
}

/** The text a person sees in a cell: rich text joined, hyperlinks by their text, formulas by their result. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 1e21 ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { richText?: { text?: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text ?? '').join('');
    if ('result' in v) return cellText(v.result);
    if (v.text !== undefined) return cellText(v.text);
    if (v.error !== undefined) return '';
  }
  return String(value);
}
