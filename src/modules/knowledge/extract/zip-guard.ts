import zlib from 'node:zlib';
import { ExtractionFailure } from './types.ts';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** One entry of a zip's central directory. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/**
 * Checks a DOCX (zip) archive before any library opens it, against zip bombs: the number of entries and
 * the total uncompressed size declared in the central directory must stay under the limits, and every
 * entry the reader will inflate (the XML parts; media are never inflated) is inflated here with a hard
 * output cap equal to its declared size — so an archive that lies about its sizes is caught too.
 */
export function assertSafeDocx(bytes: Uint8Array, limits: { maxUncompressedBytes: number; maxArchiveEntries: number }): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = readCentralDirectory(buf, limits.maxArchiveEntries);
  let total = 0;
  for (const entry of entries) {
    if (isMedia(entry.name)) continue;
    total += entry.uncompressedSize;
    if (total > limits.maxUncompressedBytes) {
      throw new ExtractionFailure('archive_too_large', { maxMb: Math.round(limits.maxUncompressedBytes / (1024 * 1024)) });
    }
  }
  for (const entry of entries) {
    if (!isMedia(entry.name)) verifyEntry(buf, entry, limits.maxUncompressedBytes);
  }
}

/** Reads the central directory (throws `docx_corrupt` when the archive is malformed, `archive_too_large` past the entry limit). */
export function readCentralDirectory(buf: Buffer, maxEntries: number): ZipEntry[] {
  const eocd = findEocd(buf);
  const count = buf.readUInt16LE(eocd + 10);
  const size = buf.readUInt32LE(eocd + 12);
  const offset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    // ZIP64: no real Word document needs it; refusing is safer than trusting 64-bit sizes.
    throw new ExtractionFailure('archive_too_large', { maxMb: 0 });
  }
  if (count > maxEntries) throw new ExtractionFailure('archive_too_large', { maxEntries });
  if (offset + size > buf.length) throw new ExtractionFailure('docx_corrupt');
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw new ExtractionFailure('docx_corrupt');
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    entries.push({
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      uncompressedSize: buf.readUInt32LE(p + 24),
      localHeaderOffset: buf.readUInt32LE(p + 42),
      name: buf.toString('utf8', p + 46, p + 46 + nameLength),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEocd(buf: Buffer): number {
  const stop = Math.max(0, buf.length - 22 - 65_535);
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf.readUInt32LE(i) === EOCD) return i;
  }
  throw new ExtractionFailure('docx_corrupt');
}

function verifyEntry(buf: Buffer, entry: ZipEntry, cap: number): void {
  const p = entry.localHeaderOffset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== LOCAL) throw new ExtractionFailure('docx_corrupt');
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const end = start + entry.compressedSize;
  if (end > buf.length) throw new ExtractionFailure('docx_corrupt');
  const data = buf.subarray(start, end);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize) throw new ExtractionFailure('docx_corrupt');
    return;
  }
  if (entry.method !== 8) throw new ExtractionFailure('docx_corrupt');
  try {
    const out = zlib.inflateRawSync(data, { maxOutputLength: Math.min(cap, entry.uncompressedSize + 1) });
    if (out.length !== entry.uncompressedSize) throw new ExtractionFailure('archive_too_large', { maxMb: Math.round(cap / (1024 * 1024)) });
  } catch (err) {
    if (err instanceof ExtractionFailure) throw err;
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ExtractionFailure('archive_too_large', { maxMb: Math.round(cap / (1024 * 1024)) });
    }
    throw new ExtractionFailure('docx_corrupt');
  }
}

function isMedia(name: string): boolean {
  return /^word\/(media|embeddings)\//.test(name);
}
