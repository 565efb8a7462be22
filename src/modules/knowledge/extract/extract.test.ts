import { describe, expect, it } from 'vitest';
import { writeDocx } from '../../../../test/support/docx-writer.ts';
import { writePdf } from '../../../../test/support/pdf-writer.ts';
import { extractContent } from './extract-content.ts';
import { runExtraction } from './run-extraction.ts';
import { decodeText, sniffFormat } from './sniff.ts';
import { DEFAULT_LIMITS, ExtractionFailure } from './types.ts';

const budget = { timeoutMs: 30_000, maxHeapMb: 256, limits: DEFAULT_LIMITS };
const bytes = (s: string | Buffer) => new Uint8Array(typeof s === 'string' ? Buffer.from(s) : s);

async function failure(p: Promise<unknown>): Promise<{ reason: string; params: Record<string, string | number> }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ExtractionFailure) return { reason: err.reason, params: err.params };
    throw err;
  }
  throw new Error('expected an ExtractionFailure');
}

describe('sniffFormat', () => {
  it('trusts content over extensions', () => {
    expect(sniffFormat(bytes(writePdf([{ lines: ['x'] }])), 'notes.txt', 'text/plain')).toBe('pdf');
    expect(sniffFormat(bytes(writeDocx([{ text: 'x' }])), 'faq.pdf', 'application/pdf')).toBe('docx');
    expect(sniffFormat(bytes('<!DOCTYPE html><html><body>hi</body></html>'), 'faq.txt', null)).toBe('html');
    expect(sniffFormat(bytes('pregunta,respuesta\na,b'), 'faq.csv', null)).toBe('csv');
    expect(sniffFormat(bytes('# Title'), 'faq.md', null)).toBe('md');
    expect(sniffFormat(bytes('plain'), 'faq', null)).toBe('txt');
  });

  it('refuses images, archives and empty files', () => {
    expect(() => sniffFormat(bytes(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0])), 'photo.pdf', null)).toThrow(ExtractionFailure);
    expect(() => sniffFormat(bytes(Buffer.from('PK\x03\x04 other zip', 'latin1')), 'data.docx', null)).toThrow(/unsupported_format/);
    expect(() => sniffFormat(new Uint8Array(0), 'empty.txt', null)).toThrow(/empty_file/);
  });
});

describe('decodeText', () => {
  it('reads UTF-8 (BOM dropped) and UTF-16 with a BOM', () => {
    expect(decodeText(bytes('\uFEFF¿Envío?\r\nSí'))).toBe('¿Envío?\nSí');
    expect(decodeText(new Uint8Array([0xff, 0xfe, ...Buffer.from('Olá', 'utf16le')]))).toBe('Olá');
  });

  it('refuses Latin-1, binary and blank text with reasons', async () => {
    expect((await failure(Promise.resolve().then(() => decodeText(bytes(Buffer.from('Envío económico', 'latin1'))))))).toMatchObject({ reason: 'text_encoding' });
    expect((await failure(Promise.resolve().then(() => decodeText(bytes(Buffer.from([0x41, 0, 0x42]))))))).toMatchObject({ reason: 'unsupported_format' });
    expect((await failure(Promise.resolve().then(() => decodeText(bytes('  \n\t ')))))).toMatchObject({ reason: 'empty_file' });
  });
});

describe('extractContent', () => {
  it('reads PDF text with table rows kept readable', async () => {
    const pdf = writePdf([
      { lines: ['# TEMA: ENVÍOS', '**Pregunta: ¿Cuánto cuesta el envío?**', 'Respuesta: $12.900 COP.'] },
      { items: [{ x: 56, y: 700, text: 'Ciudad' }, { x: 260, y: 700, text: 'Precio' }, { x: 56, y: 684, text: 'Bogotá' }, { x: 260, y: 684, text: '$12.900' }] },
    ]);
    const content = await extractContent('pdf', bytes(pdf), DEFAULT_LIMITS);
    expect(content.pageCount).toBe(2);
    expect(content.text).toContain('**Pregunta: ¿Cuánto cuesta el envío?**');
    expect(content.text).toContain('Ciudad | Precio\nBogotá | $12.900');
  });

  it('reports encrypted, damaged and image-only PDFs', async () => {
    expect(await failure(extractContent('pdf', bytes(writePdf([{ lines: ['secret'] }], { encrypted: true })), DEFAULT_LIMITS))).toMatchObject({ reason: 'pdf_encrypted' });
    expect(await failure(extractContent('pdf', bytes('%PDF-1.7\n1 0 obj garbage without structure'), DEFAULT_LIMITS))).toMatchObject({ reason: 'pdf_corrupt' });
    expect(await failure(extractContent('pdf', bytes(writePdf([{ image: true }, { image: true }])), DEFAULT_LIMITS))).toMatchObject({ reason: 'no_extractable_text' });
  });

  it('reads DOCX headings, bold questions and tables', async () => {
    const docx = writeDocx([
      { text: 'TEMA: Garantía', heading: 1 },
      { text: 'Pregunta: ¿Cuánto dura la garantía?', bold: true },
      { text: 'Respuesta: 6 meses.' },
      { table: [['Producto', 'Meses'], ['Relojes', '12']] },
    ]);
    const content = await extractContent('docx', bytes(docx), DEFAULT_LIMITS);
    expect(content.text).toContain('# TEMA: Garantía');
    expect(content.text).toContain('**Pregunta: ¿Cuánto dura la garantía?**');
    expect(content.text).toContain('| Producto | Meses |\n| Relojes | 12 |');
  });

  it('refuses DOCX zip bombs, honest or lying about their sizes', async () => {
    const limits = { ...DEFAULT_LIMITS, maxUncompressedBytes: 5 * 1024 * 1024 };
    const honest = writeDocx([{ text: 'x' }], [{ name: 'word/bomb.xml', data: Buffer.alloc(20 * 1024 * 1024) }]);
    expect(honest.length).toBeLessThan(100_000);
    expect(await failure(extractContent('docx', bytes(honest), limits))).toMatchObject({ reason: 'archive_too_large' });
    const liar = writeDocx([{ text: 'x' }], [{ name: 'word/bomb.xml', data: Buffer.alloc(20 * 1024 * 1024), declaredSize: 100 }]);
    expect(await failure(extractContent('docx', bytes(liar), limits))).toMatchObject({ reason: 'archive_too_large' });
    const many = writeDocx([{ text: 'x' }], Array.from({ length: 30 }, (_, i) => ({ name: `word/p${i}.xml`, data: Buffer.from('<x/>') })));
    expect(await failure(extractContent('docx', bytes(many), { ...limits, maxArchiveEntries: 10 }))).toMatchObject({ reason: 'archive_too_large' });
    expect(await failure(extractContent('docx', bytes(Buffer.from('PK\x03\x04 broken', 'latin1')), limits))).toMatchObject({ reason: 'docx_corrupt' });
  });

  it('drops scripts, styles and navigation from HTML and keeps the title', async () => {
    const html = '<html><head><title>FAQ Aurora</title><style>.x{}</style><script>var secret = "tracking";</script></head><body><nav>Inicio | Tienda</nav><h2>¿Hacen envíos?</h2><p>Sí, a <b>toda</b> Colombia.</p><script>alert("x")</script></body></html>';
    const content = await extractContent('html', bytes(html), DEFAULT_LIMITS);
    expect(content.title).toBe('FAQ Aurora');
    expect(content.text).toBe('## ¿Hacen envíos?\n\nSí, a **toda** Colombia.');
    expect(await failure(extractContent('html', bytes('<html><script>only()</script></html>'), DEFAULT_LIMITS))).toMatchObject({ reason: 'no_extractable_text' });
  });

  it('reads Q&A CSVs in any language and delimiter, merging phrasings of one answer', async () => {
    const csv = 'tema;pregunta;respuesta\nEnvíos;¿Cuánto cuesta el envío?;$12.900\nEnvíos;¿Cuánto vale el domicilio?;$12.900\nPagos;"¿Aceptan Nequi?\n¿Puedo pagar con Nequi?";Sí.\n';
    const content = await extractContent('csv', bytes(csv), DEFAULT_LIMITS);
    expect(content.qa).toEqual([
      { topic: 'Envíos', questions: ['¿Cuánto cuesta el envío?', '¿Cuánto vale el domicilio?'], answer: '$12.900' },
      { topic: 'Pagos', questions: ['¿Aceptan Nequi?', '¿Puedo pagar con Nequi?'], answer: 'Sí.' },
    ]);
    expect(await failure(extractContent('csv', bytes('name,email,phone\nAna,a@x.co,1\n'), DEFAULT_LIMITS))).toMatchObject({ reason: 'csv_columns_missing' });
  });
});

describe('runExtraction (worker thread with limits)', () => {
  it('parses in a worker and returns the content', async () => {
    const content = await runExtraction('pdf', bytes(writePdf([{ lines: ['Pregunta: ¿Hola?', 'Respuesta: Sí.'] }])), budget);
    expect(content.text).toBe('Pregunta: ¿Hola?\nRespuesta: Sí.');
  });

  it('gives up at the deadline and past the memory limit without hurting the process', async () => {
    const big = bytes(writePdf(Array.from({ length: 300 }, (_, p) => ({ lines: Array.from({ length: 40 }, (_, i) => `Página ${p} línea ${i} con texto de relleno.`) }))));
    expect(await failure(runExtraction('pdf', big, { ...budget, timeoutMs: 200 }))).toMatchObject({ reason: 'processing_timeout' });
    expect(await failure(runExtraction('pdf', big, { ...budget, maxHeapMb: 16 }))).toMatchObject({ reason: 'processing_memory' });
    expect((await runExtraction('txt', bytes('still fine'), budget)).text).toBe('still fine');
  });

  it('passes failures from the worker through with their reason', async () => {
    expect(await failure(runExtraction('pdf', bytes(writePdf([{ lines: ['x'] }], { encrypted: true })), budget))).toMatchObject({ reason: 'pdf_encrypted' });
  });
});
