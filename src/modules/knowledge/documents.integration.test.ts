import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, createTestContext, json } from '../../../test/support/context.ts';
import { writeDocx } from '../../../test/support/docx-writer.ts';
import { addMember, call, createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { type ApiDocument, ingest, uploadDocument } from '../../../test/support/knowledge.ts';
import { multipart } from '../../../test/support/multipart.ts';
import { writePdf } from '../../../test/support/pdf-writer.ts';
import { DEMO_KNOWLEDGE_DIR } from './knowledge.demo.ts';

let ctx: TestContext;
let org: TestOrg;
let site: http.Server;
let siteUrl: string;

beforeAll(async () => {
  ctx = await createTestContext({ CHARLA_ALLOW_PRIVATE_NETWORK: 'true' });
  org = await createOrg(ctx);
  site = http.createServer((req, res) => {
    if (req.url === '/faq') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end('<html><head><title>Preguntas frecuentes</title><script>track()</script></head><body><main><h1>TEMA: Cambios</h1><h3>¿Puedo cambiar un regalo?</h3><p>Sí, con el ticket de regalo en 30 días.</p></main></body></html>');
    }
    if (req.url === '/manual.pdf') {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      return res.end(writePdf([{ lines: ['Pregunta: ¿Tienen garantía extendida?', 'Respuesta: Sí, 24 meses por $50.000.'] }]));
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
afterAll(async () => {
  site.closeAllConnections();
  await new Promise((r) => site.close(r));
  await ctx.close();
});

const search = async (q: string, caller = org.owner) => json<{ results: { documentId: string; answer: string | null; content: string; matchedQuestion: string | null }[] }>(await call(ctx, caller, 'GET', `/api/v1/knowledge/search?q=${encodeURIComponent(q)}`));

describe('knowledge documents', () => {
  it('ingests each format and answers from it', async () => {
    const cases: [string, Buffer | string, string, RegExp][] = [
      ['envios.txt', fs.readFileSync(path.join(DEMO_KNOWLEDGE_DIR, 'envios.txt')), '¿Cuánto cuesta el envío?', /12\.900/],
      ['faq-en.md', fs.readFileSync(path.join(DEMO_KNOWLEDGE_DIR, 'faq-en.md')), 'How do I reset my password?', /Forgot password/],
      ['preguntas.csv', 'pregunta,respuesta\n¿Hacen factura a empresas?,"Sí, con NIT y razón social."\n', '¿Hacen factura a empresas?', /NIT/],
      ['politicas.pdf', writePdf([{ lines: ['# TEMA: MASCOTAS', '**Pregunta: ¿Puedo entrar con mi perro?**', 'Respuesta: Sí, las mascotas son bienvenidas en la tienda.'] }]), '¿Puedo entrar con mi perro?', /mascotas son bienvenidas/],
      ['manual.docx', writeDocx([{ text: 'TEMA: Talles', heading: 1 }, { text: 'Pregunta: ¿Tienen tallas grandes?', bold: true }, { text: 'Respuesta: Sí, hasta la talla 3XL.' }]), '¿Tienen tallas grandes?', /3XL/],
      ['pagina.html', '<html><body><h2>¿Tienen estacionamiento?</h2><p>Sí, gratis para clientes.</p><script>x()</script></body></html>', '¿Tienen estacionamiento?', /gratis para clientes/],
    ];
    for (const [filename, data, question, expected] of cases) {
      const doc = await ingest(ctx, org.owner, { filename, data });
      expect(doc, filename).toMatchObject({ status: 'ready', failureReason: null, hasActiveVersion: true });
      expect(doc.chunkCount, filename).toBeGreaterThan(0);
      const { results } = await search(question);
      expect(results[0]?.documentId, filename).toBe(doc.id);
      expect(results[0]!.answer ?? results[0]!.content, filename).toMatch(expected);
    }
  });

  it('adds a web page by URL through the SSRF-guarded client (title from the page, scripts dropped)', async () => {
    const res = await call(ctx, org.owner, 'POST', '/api/v1/knowledge/documents', { url: `${siteUrl}/faq` });
    expect(res.statusCode).toBe(202);
    expect(json(res)).toMatchObject({ source: 'url', status: 'pending', sourceName: `${siteUrl}/faq` });
    await ctx.runJobs();
    const doc = json<ApiDocument>(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/documents/${json(res).id}`));
    expect(doc).toMatchObject({ status: 'ready', title: 'Preguntas frecuentes', format: 'html', language: 'es' });
    expect(doc.sizeBytes).toBeGreaterThan(100);
    const chunks = json<{ items: { content: string; topic: string }[] }>(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/documents/${doc.id}/chunks`));
    expect(chunks.items).toEqual([expect.objectContaining({ topic: 'Cambios', questions: ['¿Puedo cambiar un regalo?'] })]);
    expect(JSON.stringify(chunks)).not.toContain('track');
    // A URL serving a PDF is read as a PDF.
    const pdf = await call(ctx, org.owner, 'POST', '/api/v1/knowledge/documents', { url: `${siteUrl}/manual.pdf`, title: 'Manual' });
    await ctx.runJobs();
    expect(json(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/documents/${json(pdf).id}`))).toMatchObject({ status: 'ready', format: 'pdf', title: 'Manual' });
  });

  it('fails a URL that answers an error, with the status as a parameter', async () => {
    const res = await call(ctx, org.owner, 'POST', '/api/v1/knowledge/documents', { url: `${siteUrl}/missing` });
    await ctx.runJobs();
    expect(json(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/documents/${json(res).id}`))).toMatchObject({ status: 'failed', failureReason: 'url_fetch_failed', failureParams: { status: 404 } });
  });

  it('creates entries written in the dashboard, detects their language and honours an override', async () => {
    const res = await call(ctx, org.owner, 'POST', '/api/v1/knowledge/documents', { title: 'Horário', content: 'Pergunta: Vocês abrem no domingo?\nResposta: Não, abrimos de segunda a sábado.' });
    expect(res.statusCode).toBe(202);
    await ctx.runJobs();
    const doc = json<ApiDocument & { languageOverride: string | null }>(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/documents/${json(res).id}`));
    expect(doc).toMatchObject({ status: 'ready', format: 'entry', language: 'pt', languageOverride: null, title: 'Horário' });
    const patched = await call(ctx, org.owner, 'PATCH', `/api/v1/knowledge/documents/${doc.id}`, { language: 'es', title: 'Horario' });
    expect(json(patched)).toMatchObject({ title: 'Horario', languageOverride: 'es' });
    await ctx.runJobs();
    expect(json(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/documents/${doc.id}`))).toMatchObject({ language: 'es', status: 'ready' });
  });

  it('lists, filters, reprocesses and deletes; a deleted document stops answering at once', async () => {
    const doc = await ingest(ctx, org.owner, { filename: 'borrar.txt', data: 'Pregunta: ¿Venden bicicletas eléctricas?\nRespuesta: Sí, modelo Zeta.' });
    const list = json<{ items: ApiDocument[] }>(await call(ctx, org.owner, 'GET', '/api/v1/knowledge/documents?q=borrar'));
    expect(list.items.map((d) => d.id)).toEqual([doc.id]);
    expect(json<{ items: unknown[] }>(await call(ctx, org.owner, 'GET', '/api/v1/knowledge/documents?status=failed')).items.every((d) => (d as ApiDocument).status === 'failed')).toBe(true);
    const again = await call(ctx, org.owner, 'POST', `/api/v1/knowledge/documents/${doc.id}/reprocess`);
    expect(again.statusCode).toBe(202);
    await ctx.runJobs();
    const detail = json<{ versions: { number: number; active: boolean }[] }>(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/documents/${doc.id}`));
    expect(detail.versions.map((v) => [v.number, v.active])).toEqual([[2, true], [1, false]]);
    expect((await search('¿Venden bicicletas eléctricas?')).results[0]?.documentId).toBe(doc.id);
    expect((await call(ctx, org.owner, 'DELETE', `/api/v1/knowledge/documents/${doc.id}`)).statusCode).toBe(200);
    expect((await search('¿Venden bicicletas eléctricas?')).results.some((r) => r.documentId === doc.id)).toBe(false);
    expect((await call(ctx, org.owner, 'GET', `/api/v1/knowledge/documents/${doc.id}`)).statusCode).toBe(404);
  });

  it('lets agents search but not change the knowledge base', async () => {
    const agent = await addMember(ctx, org, 'agent');
    expect((await call(ctx, agent.caller, 'GET', '/api/v1/knowledge/search?q=envio')).statusCode).toBe(200);
    expect((await call(ctx, agent.caller, 'POST', '/api/v1/knowledge/ask', { question: '¿Cuánto cuesta el envío?' })).statusCode).toBe(200);
    expect((await call(ctx, agent.caller, 'POST', '/api/v1/knowledge/documents', { title: 'x', content: 'y' })).statusCode).toBe(403);
    expect((await uploadDocument(ctx, agent.caller, { filename: 'a.txt', data: 'x' })).statusCode).toBe(403);
    expect((await call(ctx, agent.caller, 'GET', '/api/v1/knowledge/settings')).statusCode).toBe(403);
    expect((await call(ctx, agent.caller, 'GET', '/api/v1/knowledge/gaps')).statusCode).toBe(403);
  });

  it('validates bodies with stable codes', async () => {
    const cases: [unknown, number, string][] = [
      [undefined, 400, 'document_body_required'],
      [{ url: 'ftp://example.com/x' }, 400, 'url_not_allowed'],
      [{ url: 'http://169.254.169.254/latest' }, 202, ''],
      [{ url: 'not a url' }, 400, 'invalid_url'],
      [{ title: 'x', content: 'y', extra: 1 }, 400, 'validation_failed'],
      [{ title: '', content: 'y' }, 400, 'validation_failed'],
      [{ title: 'x', content: 'y', language: 'fr' }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const res = await call(ctx, org.owner, 'POST', '/api/v1/knowledge/documents', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      if (code) expect(json(res).code, JSON.stringify(body)).toBe(code);
    }
    // Private networks are allowed in this context; the metadata address still gets fetched and fails as unreachable, never as a 500.
    await ctx.runJobs();
    expect((await call(ctx, org.owner, 'GET', '/api/v1/knowledge/documents/not-a-uuid')).statusCode).toBe(400);
    const { payload, headers } = multipart({ title: 'no file' });
    const noFile = await ctx.app.inject({ method: 'POST', url: '/api/v1/knowledge/documents', payload, headers: { ...headers, authorization: `Bearer ${org.apiKey}` } });
    expect(noFile.statusCode).toBe(400);
    expect(json(noFile).code).toBe('file_required');
    const badField = await uploadDocument(ctx, org.owner, { filename: 'a.txt', data: 'x' }, { language: 'klingon' });
    expect(badField.statusCode).toBe(400);
  });
});
