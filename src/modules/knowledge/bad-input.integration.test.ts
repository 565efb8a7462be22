import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, createTestContext, json } from '../../../test/support/context.ts';
import { writeDocx } from '../../../test/support/docx-writer.ts';
import { call, createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { type ApiDocument, ingest, uploadDocument } from '../../../test/support/knowledge.ts';
import { writePdf } from '../../../test/support/pdf-writer.ts';

let ctx: TestContext;
let org: TestOrg;

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx);
});
afterAll(async () => ctx.close());

describe('bad input ends failed with a reason a person understands', () => {
  it.each<[string, string, Buffer | string, string]>([
    ['an encrypted PDF', 'contrato.pdf', writePdf([{ lines: ['Pregunta: ¿secreto?', 'Respuesta: sí'] }], { encrypted: true }), 'pdf_encrypted'],
    ['a corrupt PDF', 'roto.pdf', Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntruncated garbage'), 'pdf_corrupt'],
    ['an image-only (scanned) PDF', 'escaneado.pdf', writePdf([{ image: true }, { image: true }]), 'no_extractable_text'],
    ['a DOCX zip bomb', 'bomba.docx', writeDocx([{ text: 'hola' }], [{ name: 'word/bomb.xml', data: Buffer.alloc(150 * 1024 * 1024) }]), 'archive_too_large'],
    ['a DOCX lying about its sizes', 'mentira.docx', writeDocx([{ text: 'hola' }], [{ name: 'word/bomb.xml', data: Buffer.alloc(30 * 1024 * 1024), declaredSize: 10 }]), 'archive_too_large'],
    ['an empty file', 'vacio.txt', '', 'empty_file'],
    ['a blank text file', 'blanco.md', '   \n\n  ', 'empty_file'],
    ['Latin-1 text', 'latin1.txt', Buffer.from('Pregunta: ¿Cuánto cuesta el envío?\nRespuesta: $12.900', 'latin1'), 'text_encoding'],
    ['an image named .pdf', 'foto.pdf', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]), 'unsupported_format'],
    ['a spreadsheet zip named .docx', 'hoja.docx', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('xl/workbook.xml')]), 'unsupported_format'],
    ['binary data named .txt', 'datos.txt', Buffer.from([0x41, 0x00, 0x42, 0x00, 0x43]), 'unsupported_format'],
    ['a CSV without question/answer columns', 'clientes.csv', 'nombre,correo,telefono\nAna,ana@example.com,300\n', 'csv_columns_missing'],
    ['HTML that is only scripts', 'scripts.html', '<html><head><script>alert(1)</script></head><body><script>track()</script></body></html>', 'no_extractable_text'],
  ])('%s', async (_label, filename, data, reason) => {
    const doc = await ingest(ctx, org.owner, { filename, data });
    expect(doc).toMatchObject({ status: 'failed', failureReason: reason, hasActiveVersion: false, chunkCount: 0 });
  });

  it('reads a PDF uploaded with a .txt name as a PDF (content decides)', async () => {
    const doc = await ingest(ctx, org.owner, { filename: 'notas.txt', contentType: 'text/plain', data: writePdf([{ lines: ['Pregunta: ¿Abren festivos?', 'Respuesta: No.'] }]) });
    expect(doc).toMatchObject({ status: 'ready', format: 'pdf' });
  });

  it('keeps scripts of an HTML page out of the index', async () => {
    const doc = await ingest(ctx, org.owner, {
      filename: 'faq.html',
      data: '<html><head><script>var apiToken = "zqxjkvw-secret"</script></head><body><h2>¿Dónde compro repuestos?</h2><p>En la tienda de Chapinero.</p><script>document.write("zqxjkvw")</script></body></html>',
    });
    expect(doc.status).toBe('ready');
    const res = json<{ results: unknown[] }>(await call(ctx, org.owner, 'GET', '/api/v1/knowledge/search?q=zqxjkvw'));
    expect(res.results).toEqual([]);
  });

  it('refuses a 100 MB upload at once with a clear 413', async () => {
    const res = await uploadDocument(ctx, org.owner, { filename: 'enorme.pdf', data: Buffer.alloc(100 * 1024 * 1024, 32) });
    expect(res.statusCode).toBe(413);
    expect(json(res)).toMatchObject({ code: 'file_too_large', detail: expect.stringContaining('25 MB') });
    const list = json<{ items: ApiDocument[] }>(await call(ctx, org.owner, 'GET', '/api/v1/knowledge/documents?q=enorme'));
    expect(list.items).toEqual([]);
  });

  it('keeps working after all of that', async () => {
    const doc = await ingest(ctx, org.owner, { filename: 'bien.txt', data: 'Pregunta: ¿Tienen domicilio?\nRespuesta: Sí.' });
    expect(doc.status).toBe('ready');
  });
});

describe('time limit per document', () => {
  let slow: TestContext;
  let slowOrg: TestOrg;
  beforeAll(async () => {
    slow = await createTestContext({ CHARLA_KNOWLEDGE_PARSE_TIMEOUT_S: '1' });
    slowOrg = await createOrg(slow);
  });
  afterAll(async () => slow.close());

  it('fails a document that takes too long to read, and the worker goes on', async () => {
    const big = writePdf(Array.from({ length: 800 }, (_, p) => ({ lines: Array.from({ length: 40 }, (_, i) => `Página ${p}, línea ${i}: texto de relleno.`) })));
    const doc = await ingest(slow, slowOrg.owner, { filename: 'lento.pdf', data: big });
    expect(doc).toMatchObject({ status: 'failed', failureReason: 'processing_timeout', failureParams: { seconds: 1 } });
    expect((await ingest(slow, slowOrg.owner, { filename: 'ok.txt', data: 'Q: ¿Hola?\nA: Hola.' })).status).toBe('ready');
  });
});
