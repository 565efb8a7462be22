import { type DocumentFormat, ExtractionFailure } from './types.ts';

const TEXT_EXTENSIONS: Record<string, DocumentFormat> = {
  md: 'md',
  markdown: 'md',
  csv: 'csv',
  tsv: 'csv',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  txt: 'txt',
  text: 'txt',
};

/** Magic numbers of common binary files people upload by mistake (images, spreadsheets, archives...). */
const BINARY_SIGNATURES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'image'],
  [[0xff, 0xd8, 0xff], 'image'],
  [[0x47, 0x49, 0x46, 0x38], 'image'],
  [[0x52, 0x49, 0x46, 0x46], 'media'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'legacy-office'],
  [[0x1f, 0x8b], 'archive'],
  [[0x52, 0x61, 0x72, 0x21], 'archive'],
  [[0x37, 0x7a, 0xbc, 0xaf], 'archive'],
  [[0x7b, 0x5c, 0x72, 0x74, 0x66], 'rtf'],
];

/**
 * Decides a file's format from its bytes: PDFs and DOCX by their signatures (whatever the extension says),
 * other binaries refused, and text told apart as HTML, CSV, Markdown or plain text (content first, then the
 * extension or declared type).
 */
export function sniffFormat(bytes: Uint8Array, fileName: string | null, contentType: string | null): DocumentFormat {
  if (bytes.length === 0) throw new ExtractionFailure('empty_file');
  const head = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 1024)));
  if (head.includes('%PDF-')) return 'pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    // A zip: DOCX when it holds word/document.xml (its local headers name it near the start or the end).
    const whole = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (whole.includes('word/document.xml')) return 'docx';
    throw new ExtractionFailure('unsupported_format', { detected: 'archive' });
  }
  for (const [signature, kind] of BINARY_SIGNATURES) {
    if (startsWith(bytes, signature)) throw new ExtractionFailure('unsupported_format', { detected: kind });
  }
  const extension = (fileName ?? '').toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
  const byName = TEXT_EXTENSIONS[extension];
  const byType = typeFromContentType(contentType);
  const sample = head.toString('latin1').trimStart().toLowerCase();
  if (/^(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/.test(sample) || ((byName === 'html' || byType === 'html') && sample.startsWith('<'))) {
    return 'html';
  }
  if (byName === 'csv' || byType === 'csv') return 'csv';
  if (byName === 'md' || byType === 'md') return 'md';
  return 'txt';
}

/**
 * Decodes text bytes: UTF-8 (a BOM is dropped) or UTF-16 with a BOM. Anything else — Latin-1 files saved by
 * old editors, binary data with a text extension — is refused with a reason, never indexed as mojibake.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new ExtractionFailure('empty_file');
  let text: string;
  try {
    if (startsWith(bytes, [0xff, 0xfe])) text = new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    else if (startsWith(bytes, [0xfe, 0xff])) text = new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
    else text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ExtractionFailure('text_encoding');
  }
  // NUL and other C0 controls (tabs and line breaks aside) mean binary data, not text.
  if (hasControlCharacters(text.slice(0, 65_536))) throw new ExtractionFailure('unsupported_format', { detected: 'binary' });
  if (text.trim().length === 0) throw new ExtractionFailure('empty_file');
  return text.replace(/\r\n?/g, '\n');
}

function typeFromContentType(contentType: string | null): DocumentFormat | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (type === 'text/csv' || type === 'text/tab-separated-values') return 'csv';
  if (type === 'text/markdown' || type === 'text/x-markdown') return 'md';
  return undefined;
}

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 9 || (c > 13 && c < 32)) return true;
  }
  return false;
}
