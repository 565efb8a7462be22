import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, createTestContext, json } from '../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { ingest, uploadDocument } from '../../../test/support/knowledge.ts';
import { recordKnowledgeGap } from './gaps.service.ts';
import { searchKnowledge } from './search/search.ts';

let ctx: TestContext;
let a: TestOrg;
let b: TestOrg;
let docId: string;
let gapGroupId: string;
let testId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  a = await createOrg(ctx, { name: 'A' });
  b = await createOrg(ctx, { name: 'B' });
  docId = (await ingest(ctx, a.owner, { filename: 'secreto.txt', data: 'Pregunta: ¿Cuál es el código de la bodega?\nRespuesta: El código es 4471.' })).id;
  gapGroupId = (await recordKnowledgeGap(ctx.container, { organizationId: a.organizationId, question: '¿Tienen crédito?', reason: 'unanswered' })).groupId;
  testId = json<{ id: string }>(await call(ctx, a.owner, 'POST', '/api/v1/knowledge/tests', { question: '¿Código?', expectedAnswer: '4471' })).id;
});
afterAll(async () => ctx.close());

describe('knowledge tenant isolation', () => {
  it('answers 404 for another organization\'s ids on every route', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', `/api/v1/knowledge/documents/${docId}`],
      ['GET', `/api/v1/knowledge/documents/${docId}/chunks`],
      ['PATCH', `/api/v1/knowledge/documents/${docId}`, { title: 'mío' }],
      ['POST', `/api/v1/knowledge/documents/${docId}/reprocess`],
      ['PUT', `/api/v1/knowledge/documents/${docId}/content`, { title: 'x', content: 'Pregunta: ¿x?\nRespuesta: y' }],
      ['DELETE', `/api/v1/knowledge/documents/${docId}`],
      ['GET', `/api/v1/knowledge/gaps/${gapGroupId}`],
      ['POST', `/api/v1/knowledge/gaps/${gapGroupId}/resolve`, {}],
      ['POST', `/api/v1/knowledge/gaps/${gapGroupId}/answer`, { answer: 'x' }],
      ['GET', `/api/v1/knowledge/tests/${testId}`],
      ['PATCH', `/api/v1/knowledge/tests/${testId}`, { question: 'x' }],
      ['DELETE', `/api/v1/knowledge/tests/${testId}`],
    ];
    for (const [method, url, body] of routes) {
      const res = await call(ctx, b.owner, method as 'GET', url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const upload = await uploadDocument(ctx, b.owner, { filename: 'x.txt', data: 'x' }, {}, docId);
    expect(upload.statusCode).toBe(404);
    // …and A's data is untouched.
    expect(json(await call(ctx, a.owner, 'GET', `/api/v1/knowledge/documents/${docId}`))).toMatchObject({ title: 'secreto', status: 'ready' });
  });

  it('never searches, lists or tests across organizations', async () => {
    expect((await searchKnowledge(ctx.container, b.organizationId, '¿Cuál es el código de la bodega?')).results).toEqual([]);
    expect(json<{ items: unknown[] }>(await call(ctx, b.owner, 'GET', '/api/v1/knowledge/documents')).items).toEqual([]);
    expect(json<{ items: unknown[] }>(await call(ctx, b.owner, 'GET', '/api/v1/knowledge/gaps')).items).toEqual([]);
    expect(json<{ items: unknown[] }>(await call(ctx, b.owner, 'GET', '/api/v1/knowledge/tests')).items).toEqual([]);
    const cross = await call(ctx, b.owner, 'POST', '/api/v1/knowledge/tests', { question: 'x', expectedDocumentId: docId });
    expect(cross.statusCode).toBe(400);
    expect(json(await call(ctx, b.owner, 'POST', '/api/v1/knowledge/tests/run'))).toMatchObject({ total: 0 });
    // A gap in B never joins A's similar group.
    const gap = await recordKnowledgeGap(ctx.container, { organizationId: b.organizationId, question: '¿Tienen crédito?', reason: 'unanswered' });
    expect(gap.groupId).not.toBe(gapGroupId);
  });
});
