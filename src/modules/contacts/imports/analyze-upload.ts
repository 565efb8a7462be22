import { pipeline, type Readable, Transform } from 'node:stream';
import Papa from 'papaparse';
import type { Deps } from '../../../container.ts';
import { contactImports } from '../../../db/schema/index.ts';
import { AppError } from '../../../shared/errors.ts';
import { newId } from '../../../shared/ids.ts';
import type { Principal } from '../../identity/policy.ts';

/** Who starts an import: a member, an API key, or the command line (organization only). */
export type ImportOwner = Principal | { kind: 'cli'; organizationId: string };
import { loadFieldDefs } from '../contacts.repository.ts';
import { autoMap, type ImportTarget } from './header-matching.ts';
import { readRows } from './read-rows.ts';
import { createDecoder, sniff, type TextEncodingName } from './text-decoding.ts';

/** Largest file an import accepts (about a million rows with a few custom fields). */
export const MAX_IMPORT_BYTES = 150 * 1024 * 1024;
/** Most columns a file may have. */
export const MAX_IMPORT_COLUMNS = 1000;
const HEAD_BYTES = 1024 * 1024;
const TAIL_BYTES = 66 * 1024;
const SAMPLE_ROWS = 5;

/** What the mapping step shows: how the file was read and what each column seems to be. */
export interface UploadAnalysis {
  id: string;
  fileName: string;
  format: 'csv' | 'xlsx';
  encoding: TextEncodingName;
  delimiter: string;
  headers: string[];
  suggestedMapping: ImportTarget[];
  /** Columns whose header repeats an earlier one (left unmapped). */
  duplicateColumns: number[];
  sampleRows: string[][];
  estimatedRows: number | null;
}

const refuse = (code: string, message: string, kind: 'unprocessable' | 'payload_too_large' = 'unprocessable') => new AppError(kind, code, message);

/**
 * Stores an uploaded file (streamed to storage, never held in memory), works out its format,
 * encoding, delimiter and header row, suggests a mapping from the header names, and records the
 * import as `uploaded`, waiting for its mapping. Files that cannot be imported (empty, binary,
 * legacy .xls, truncated workbooks, too large, too many columns, no data rows) are refused with a
 * specific code and leave nothing behind.
 */
export async function analyzeUpload(
  deps: Deps,
  owner: ImportOwner,
  upload: { filename: string; stream: Readable; truncated: () => boolean },
): Promise<UploadAnalysis> {
  const id = newId();
  const key = `imports/${owner.organizationId}/${id}`;
  const probe = new UploadProbe();
  let size: number;
  try {
    // pipeline (not pipe) so an aborted upload destroys the probe and the write fails instead of hanging.
    size = await deps.storage.put(key, pipeline(upload.stream, probe, () => {}));
  } catch (err) {
    await deps.storage.delete(key);
    if (err instanceof AppError) throw err;
    if (upload.truncated() || probe.bytes > MAX_IMPORT_BYTES) throw tooLarge();
    throw err;
  }
  try {
    if (upload.truncated() || size > MAX_IMPORT_BYTES) throw tooLarge();
    const analysis = await analyzeStored(deps, key, probe, size);
    const fields = await loadFieldDefs(deps.database.db, owner.organizationId);
    const { mapping, duplicateColumns } = autoMap(analysis.headers, fields);
    const fileName = upload.filename.slice(0, 200) || 'contacts';
    await deps.database.db.insert(contactImports).values({
      id,
      organizationId: owner.organizationId,
      createdByUserId: owner.kind === 'user' ? owner.userId : null,
      createdByApiKeyId: owner.kind === 'apiKey' ? owner.apiKeyId : null,
      status: 'uploaded',
      fileKey: key,
      fileName,
      fileSize: size,
      format: analysis.format,
      encoding: analysis.encoding,
      delimiter: analysis.delimiter,
      headers: analysis.headers,
      mapping,
      totalRows: analysis.estimatedRows,
    });
    return { id, fileName, ...analysis, suggestedMapping: mapping, duplicateColumns };
  } catch (err) {
    await deps.storage.delete(key);
    throw err;
  }
}

const tooLarge = () => refuse('file_too_large', `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`, 'payload_too_large');

type Analysis = Omit<UploadAnalysis, 'id' | 'fileName' | 'suggestedMapping' | 'duplicateColumns'>;

async function analyzeStored(deps: Deps, key: string, probe: UploadProbe, size: number): Promise<Analysis> {
  const head = probe.head();
  const sniffed = sniff(head);
  if (sniffed.kind === 'problem') {
    const messages = {
      file_empty: 'The file is empty',
      file_binary: 'This is not a CSV or XLSX file',
      file_xls_unsupported: 'Old Excel files (.xls) are not supported: save it as .xlsx or .csv',
    };
    throw refuse(sniffed.reason, messages[sniffed.reason]);
  }
  if (sniffed.kind === 'xlsx') {
    if (!probe.hasZipEnd()) throw refuse('file_truncated', 'The workbook is incomplete (the upload was cut short or the file is damaged)');
    const records: string[][] = [];
    try {
      const { stream } = await deps.storage.get(key);
      for await (const row of readRows(stream, { format: 'xlsx', encoding: 'utf-8', delimiter: ',' })) {
        records.push(row.cells);
        if (records.length > SAMPLE_ROWS) break;
      }
    } catch {
      throw refuse('file_unreadable', 'The workbook could not be read; it may be damaged');
    }
    return { format: 'xlsx', encoding: 'utf-8', delimiter: ',', ...headerAndSample(records), estimatedRows: null };
  }

  const decoder = createDecoder(sniffed.encoding);
  let text = decoder.write(head);
  const whole = head.length >= size;
  if (whole) text += decoder.end();
  else {
    // Only complete lines of the head are looked at.
    const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    if (lastBreak <= 0) throw refuse('header_too_long', 'The first line of the file is too long to be a header row');
    text = text.slice(0, lastBreak);
  }
  const delimiter = detectDelimiter(text.slice(0, 64 * 1024));
  const parsed = Papa.parse<string[]>(text, { delimiter, preview: 50 });
  const records = parsed.data.filter((r) => r.some((c) => c.trim() !== '')).slice(0, SAMPLE_ROWS + 1);
  const lines = probe.lines + (probe.lastByte !== 0x0a ? 1 : 0);
  return { format: 'csv', encoding: sniffed.encoding, delimiter, ...headerAndSample(records), estimatedRows: Math.max(0, lines - 1) };
}

/**
 * The delimiter that splits the first records most consistently into more than one column
 * (papaparse's own guess fails on short files, e.g. two tab-separated lines).
 */
export function detectDelimiter(sample: string): string {
  let best = { delimiter: ',', share: 0, columns: 1 };
  for (const delimiter of [',', ';', '\t', '|']) {
    const rows = Papa.parse<string[]>(sample, { delimiter, preview: 20 }).data.filter((r) => r.length > 1 || (r[0] ?? '') !== '');
    if (rows.length === 0) continue;
    const counts = new Map<number, number>();
    for (const r of rows) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    const [columns, times] = [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]!;
    const share = times / rows.length;
    if (columns > 1 && (share > best.share || (share === best.share && columns > best.columns))) best = { delimiter, share, columns };
  }
  return best.delimiter;
}

function headerAndSample(records: string[][]): { headers: string[]; sampleRows: string[][] } {
  const [headerRow, ...rest] = records;
  if (!headerRow) throw refuse('file_empty', 'The file has no rows');
  if (headerRow.length > MAX_IMPORT_COLUMNS) {
    throw refuse('too_many_columns', `The file has ${headerRow.length} columns; at most ${MAX_IMPORT_COLUMNS} are supported`);
  }
  if (rest.length === 0) throw refuse('file_has_no_data_rows', 'The file has a header row but no contacts');
  const headers = headerRow.map((h) => h.trim().slice(0, 200));
  return { headers, sampleRows: rest.slice(0, SAMPLE_ROWS).map((r) => headers.map((_, i) => (r[i] ?? '').slice(0, 200))) };
}

/** Watches an upload go by: its size, line count, first megabyte and last bytes (for the zip end record). */
class UploadProbe extends Transform {
  bytes = 0;
  lines = 0;
  lastByte = -1;
  #head: Buffer[] = [];
  #headLength = 0;
  #tail: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void) {
    this.bytes += chunk.length;
    if (this.bytes > MAX_IMPORT_BYTES) return done(tooLarge());
    if (this.#headLength < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.#headLength);
      this.#head.push(Buffer.from(part));
      this.#headLength += part.length;
    }
    let at = chunk.indexOf(0x0a);
    while (at !== -1) {
      this.lines++;
      at = chunk.indexOf(0x0a, at + 1);
    }
    if (chunk.length) this.lastByte = chunk[chunk.length - 1]!;
    this.#tail = Buffer.concat([this.#tail, chunk]).subarray(-TAIL_BYTES);
    done(null, chunk);
  }

  head(): Buffer {
    return Buffer.concat(this.#head);
  }

  /** Whether the zip "end of central directory" record is there: a cut-off workbook lacks it. */
  hasZipEnd(): boolean {
    return this.#tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) !== -1;
  }
}
