import { isUtf8 } from 'node:buffer';

/** Text encodings an import file can be read in. */
export const ENCODINGS = ['utf-8', 'utf-8-bom', 'windows-1252', 'utf-16le', 'utf-16be'] as const;
export type TextEncodingName = (typeof ENCODINGS)[number];

/** What the first bytes of an upload say about it. */
export type Sniffed =
  | { kind: 'xlsx' }
  | { kind: 'text'; encoding: TextEncodingName }
  | { kind: 'problem'; reason: 'file_empty' | 'file_binary' | 'file_xls_unsupported' };

// Windows-1252 differs from ISO-8859-1 only in 0x80–0x9F (€, smart quotes, dashes...).
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
].map((c) => String.fromCharCode(c));
const CP1252_RANGE = /[\x80-\x9f]/g;

/** Decodes Windows-1252 (the "Latin-1" Excel writes on Windows) bytes. */
export function decodeCp1252(bytes: Buffer): string {
  return bytes.toString('latin1').replace(CP1252_RANGE, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

/**
 * Classifies an upload from its first bytes: an XLSX (zip) workbook, text in a detected encoding
 * (byte-order marks first, then UTF-8 if the bytes are valid UTF-8, else Windows-1252), or something
 * we cannot read (empty, binary, legacy .xls).
 */
export function sniff(head: Buffer): Sniffed {
  if (head.length === 0) return { kind: 'problem', reason: 'file_empty' };
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return { kind: 'xlsx' };
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) return { kind: 'problem', reason: 'file_xls_unsupported' };
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { kind: 'text', encoding: 'utf-8-bom' };
  if (head[0] === 0xff && head[1] === 0xfe) return { kind: 'text', encoding: 'utf-16le' };
  if (head[0] === 0xfe && head[1] === 0xff) return { kind: 'text', encoding: 'utf-16be' };
  let control = 0;
  for (const b of head) {
    if (b === 0) return { kind: 'problem', reason: 'file_binary' };
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  if (control > head.length / 100) return { kind: 'problem', reason: 'file_binary' };
  const whole = head.subarray(0, completeUtf8Length(head));
  if (whole.length === 0 && head.length > 0) return { kind: 'text', encoding: 'windows-1252' };
  if (isUtf8(whole)) return { kind: 'text', encoding: 'utf-8' };
  // Mostly UTF-8 with a few stray Latin-1 bytes ("mixed encodings") is read as UTF-8 with a per-byte
  // fallback; a file whose accented letters are all single bytes is Windows-1252.
  return { kind: 'text', encoding: utf8Share(whole) > 0.5 ? 'utf-8' : 'windows-1252' };
}

/** A streaming decoder: bytes in chunks of any size, text out. */
export interface ChunkDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

/** Creates a decoder for a detected encoding (the byte-order mark, if any, is dropped). */
export function createDecoder(encoding: TextEncodingName): ChunkDecoder {
  if (encoding === 'windows-1252') return { write: decodeCp1252, end: () => '' };
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const decoder = new TextDecoder(encoding);
    return { write: (c) => decoder.decode(c, { stream: true }), end: () => decoder.decode() };
  }
  return utf8WithFallback();
}

/**
 * UTF-8 that never loses data: a byte that does not belong to a valid UTF-8 sequence is read as
 * Windows-1252, so a file with mixed encodings keeps its "ç" and "ñ" whichever way they were written.
 * Valid chunks take the native fast path.
 */
function utf8WithFallback(): ChunkDecoder {
  let carry: Buffer = Buffer.alloc(0);
  let first = true;
  const decode = (buf: Buffer): string => {
    if (isUtf8(buf)) return buf.toString('utf8');
    let out = '';
    let start = 0;
    let i = 0;
    while (i < buf.length) {
      const b = buf[i]!;
      if (b < 0x80) {
        i++;
        continue;
      }
      const len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 0;
      if (len && i + len <= buf.length && isUtf8(buf.subarray(i, i + len))) {
        i += len;
        continue;
      }
      out += buf.toString('utf8', start, i) + decodeCp1252(buf.subarray(i, i + 1));
      i++;
      start = i;
    }
    return out + buf.toString('utf8', start, buf.length);
  };
  return {
    write(chunk) {
      let buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      if (first) {
        first = false;
        if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      }
      const cut = completeUtf8Length(buf);
      carry = Buffer.from(buf.subarray(cut));
      return decode(buf.subarray(0, cut));
    },
    end() {
      const rest = carry;
      carry = Buffer.alloc(0);
      return rest.length ? decode(rest) : '';
    },
  };
}

/** Length of the prefix that does not end inside a (possibly valid) multi-byte UTF-8 sequence. */
function completeUtf8Length(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = buf[n - back]!;
    if (b < 0x80) return n;
    if (b >= 0xc0) {
      const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return len > back ? n - back : n;
    }
  }
  return n;
}

/** Share of non-ASCII bytes that form valid UTF-8 sequences. */
function utf8Share(buf: Buffer): number {
  let valid = 0;
  let invalid = 0;
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 0;
    if (len && isUtf8(buf.subarray(i, i + len))) {
      valid += len;
      i += len;
    } else {
      invalid++;
      i++;
    }
  }
  return valid + invalid === 0 ? 1 : valid / (valid + invalid);
}
