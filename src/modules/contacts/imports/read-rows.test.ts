import { Readable } from 'node:stream';
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { type FileRow, readRows } from './read-rows.ts';
import { createDecoder, sniff } from './text-decoding.ts';

async function read(bytes: Buffer, delimiter = ',', chunk = 64 * 1024, encoding: Parameters<typeof createDecoder>[0] = 'utf-8'): Promise<FileRow[]> {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  const out: FileRow[] = [];
  for await (const r of readRows(Readable.from(parts), { format: 'csv', encoding, delimiter })) out.push(r);
  return out;
}

describe('sniff', () => {
  it('detects BOMs, UTF-8, Windows-1252, zip and binary files', () => {
    expect(sniff(Buffer.from('\ufeffNombre,Teléfono\n'))).toEqual({ kind: 'text', encoding: 'utf-8-bom' });
    expect(sniff(Buffer.from('Nombre,Teléfono\n'))).toEqual({ kind: 'text', encoding: 'utf-8' });
    expect(sniff(Buffer.from('Nombre,Teléfono\n', 'latin1'))).toEqual({ kind: 'text', encoding: 'windows-1252' });
    expect(sniff(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toEqual({ kind: 'text', encoding: 'utf-16le' });
    expect(sniff(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2]))).toEqual({ kind: 'xlsx' });
    expect(sniff(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1]))).toEqual({ kind: 'problem', reason: 'file_xls_unsupported' });
    expect(sniff(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toEqual({ kind: 'problem', reason: 'file_binary' });
    expect(sniff(Buffer.alloc(0))).toEqual({ kind: 'problem', reason: 'file_empty' });
  });

  it('reads mostly-UTF-8 text with stray Latin-1 bytes without losing letters', () => {
    const mixed = Buffer.concat([Buffer.from('Nombre\nJosé Muñoz\n'), Buffer.from('Conceição\n', 'latin1')]);
    expect(sniff(mixed)).toEqual({ kind: 'text', encoding: 'utf-8' });
    const d = createDecoder('utf-8');
    expect(d.write(mixed) + d.end()).toBe('Nombre\nJosé Muñoz\nConceição\n');
  });

  it('decodes Windows-1252 specials (€, smart quotes)', () => {
    const d = createDecoder('windows-1252');
    expect(d.write(Buffer.from([0x80, 0x20, 0x93, 0x61, 0x94, 0xe7]))).toBe('€ “a”ç');
  });
});

describe('readRows (CSV)', () => {
  it('keeps multi-byte characters split across chunks intact', async () => {
    const rows = await read(Buffer.from('n\nJoão Conceição\nÑandú 🦩\n'), ',', 3);
    expect(rows.map((r) => r.cells[0])).toEqual(['n', 'João Conceição', 'Ñandú 🦩']);
  });

  it('handles semicolons, CRLF, quoted delimiters, multi-line cells and blank lines', async () => {
    const rows = await read(Buffer.from('a;b\r\n"1;2";"line\r\nbreak"\r\n\r\n3;4\r\n'), ';', 5);
    expect(rows.map((r) => [r.rowNumber, r.cells])).toEqual([
      [1, ['a', 'b']],
      [2, ['1;2', 'line\r\nbreak']],
      [4, ['3', '4']],
    ]);
  });

  it('reports a stray quote as one malformed row and keeps every following row', async () => {
    const rows = await read(Buffer.from('a,b,c\n1,"x"y,3\n4,5,6\n7,"8,9\n10,11,12\n'), ',', 4);
    expect(rows.map((r) => `${r.rowNumber}${r.problem ? `!${r.problem}` : ''}`)).toEqual(['1', '2!row_malformed', '3', '4!row_malformed', '5']);
  });

  it('reads a truncated file: the cut-off last row still comes out', async () => {
    const rows = await read(Buffer.from('a,b\n1,2\n3,"unfinished'), ',', 4);
    expect(rows.at(-1)).toMatchObject({ rowNumber: 3, problem: 'row_malformed' });
  });

  it('yields exactly the records papaparse writes, whatever the chunk size (property)', async () => {
    const cell = fc.string({ maxLength: 12 }).map((s) => s.replace(/\r/g, ''));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 50 }), async (records, chunk) => {
        const data = [['x', 'y', 'z'], ...records];
        const text = `${Papa.unparse(data, { newline: '\n' })}\n`;
        const rows = await read(Buffer.from(text), ',', chunk);
        const expected = data.filter((r) => r.some((c) => c.trim() !== ''));
        expect(rows.map((r) => r.cells)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
