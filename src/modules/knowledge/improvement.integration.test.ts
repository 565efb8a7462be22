import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestContext, createTestContext, json } from '../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { newId } from '../../shared/ids.ts';
import { answerFromKnowledge } from './answer.ts';
import { recordKnowledgeGap } from './gaps.service.ts';
import { knowledgeDemoSeeder } from './knowledge.demo.ts';

let ctx: TestContext;
let org: TestOrg;

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { language: 'es' });
  await knowledgeDemoSeeder.seed(ctx.container, org.organizationId, 'es');
});
afterAll(async () => ctx.close());

interface Group {
  id: string;
  question: string;
  count: number;
  status: string;
  trend: { last7Days: number; previous7Days: number };
  reasons: Record<string, number>;
  examples: { question: string; conversationId: string | null }[];
}

describe('knowledge gaps', () => {
  it('groups similar questions with counts, reasons and trend', async () => {
    const conversationId = newId();
    const log = (question: string, reason: 'unanswered' | 'low_confidence' | 'handoff_after_ai' | 'negative_reaction' = 'unanswered') =>
      recordKnowledgeGap(ctx.container, { organizationId: org.organizationId, question, reason, conversationId, answerGiven: reason === 'unanswered' ? null : 'Algo' });
    const a = await log('¿Hacen envíos a Venezuela?');
    const b = await log('hacen envios a venezuela');
    const c = await log('¿hacen envíos a Venezuela??', 'negative_reaction');
    const d = await log('¿Tienen tarjetas de regalo físicas?', 'low_confidence');
    expect(new Set([a.groupId, b.groupId, c.groupId])).toEqual(new Set([a.groupId]));
    expect(d.groupId).not.toBe(a.groupId);
    // One gap from last week, to show the trend.
    await ctx.container.database.rows(sql`update knowledge_gaps set created_at = now() - interval '9 days' where id = ${b.gapId}`);

    const page = json<{ items: Group[] }>(await call(ctx, org.owner, 'GET', '/api/v1/knowledge/gaps?sort=count'));
    expect(page.items.map((g) => [g.question, g.count])).toEqual([
      ['¿Hacen envíos a Venezuela?', 3],
      ['¿Tienen tarjetas de regalo físicas?', 1],
    ]);
    expect(page.items[0]).toMatchObject({ status: 'open', trend: { last7Days: 2, previous7Days: 1 }, reasons: { unanswered: 2, negative_reaction: 1 } });
    expect(page.items[0]!.examples[0]).toMatchObject({ conversationId });
    const detail = json<Group & { gaps: unknown[] }>(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/gaps/${a.groupId}`));
    expect(detail.gaps).toHaveLength(3);
  });

  it('"Add answer" creates a Q&A entry with the customers\' phrasings and resolves the group in one step', async () => {
    const [group] = json<{ items: Group[] }>(await call(ctx, org.owner, 'GET', '/api/v1/knowledge/gaps?sort=count')).items;
    expect((await answerFromKnowledge(ctx.container, org.organizationId, '¿Hacen envíos a Venezuela?')).status).toBe('unknown');
    const res = await call(ctx, org.owner, 'POST', `/api/v1/knowledge/gaps/${group!.id}/answer`, { answer: 'Por ahora no enviamos a Venezuela; solo dentro de Colombia.' });
    expect(res.statusCode).toBe(201);
    const body = json<{ group: Group & { resolution: string; resolvedDocumentId: string }; document: { id: string; status: string; source: string } }>(res);
    expect(body.group).toMatchObject({ status: 'resolved', resolution: 'answer_added', resolvedDocumentId: body.document.id });
    expect(body.document).toMatchObject({ status: 'pending', source: 'entry' });
    await ctx.runJobs();
    const answer = await answerFromKnowledge(ctx.container, org.organizationId, '¿Hacen envíos a Venezuela?');
    expect(answer).toMatchObject({ status: 'answered', answer: expect.stringContaining('no enviamos a Venezuela') });
    const chunks = json<{ items: { questions: string[] }[] }>(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/documents/${body.document.id}/chunks`));
    // The three phrasings differ only in accents, case and punctuation: one question.
    expect(chunks.items[0]!.questions).toEqual(['¿Hacen envíos a Venezuela?']);
    expect(json<{ items: Group[] }>(await call(ctx, org.owner, 'GET', '/api/v1/knowledge/gaps')).items.map((g) => g.id)).not.toContain(group!.id);
    expect(json<{ items: Group[] }>(await call(ctx, org.owner, 'GET', '/api/v1/knowledge/gaps?status=resolved')).items.map((g) => g.id)).toContain(group!.id);
  });

  it('resolves a group with a note, logs gaps from the API, and validates input', async () => {
    const logged = await call(ctx, org.owner, 'POST', '/api/v1/knowledge/gaps', { question: '¿Venden al por mayor?', reason: 'handoff_after_ai', answerGiven: 'No sé' });
    expect(logged.statusCode).toBe(201);
    const id = json<Group>(logged).id;
    const resolved = json(await call(ctx, org.owner, 'POST', `/api/v1/knowledge/gaps/${id}/resolve`, { note: 'Corregido en pagos.txt' }));
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'resolved', resolutionNote: 'Corregido en pagos.txt' });
    // A new similar gap after resolution opens a new group.
    const again = await recordKnowledgeGap(ctx.container, { organizationId: org.organizationId, question: '¿Venden al por mayor?', reason: 'unanswered' });
    expect(again.groupId).not.toBe(id);
    expect((await call(ctx, org.owner, 'POST', '/api/v1/knowledge/gaps', { question: 'x', reason: 'bored' })).statusCode).toBe(400);
    expect((await call(ctx, org.owner, 'POST', `/api/v1/knowledge/gaps/${newId()}/answer`, { answer: 'x' })).statusCode).toBe(404);
    expect((await call(ctx, org.owner, 'GET', '/api/v1/knowledge/gaps?cursor=garbage')).statusCode).toBe(400);
  });
});

describe('saved tests', () => {
  it('runs a test set and reports the pass rate', async () => {
    const docs = json<{ items: { id: string; title: string }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/knowledge/documents?q=pagos')).items;
    const pagos = docs.find((d) => d.title === 'pagos')!;
    const created = [
      await call(ctx, org.owner, 'POST', '/api/v1/knowledge/tests', { question: '¿Puedo pagar a cuotas?', expectedAnswer: 'hasta en 36 cuotas' }),
      await call(ctx, org.owner, 'POST', '/api/v1/knowledge/tests', { question: '¿Aceptan Nequi?', expectedDocumentId: pagos.id }),
      await call(ctx, org.owner, 'POST', '/api/v1/knowledge/tests', { question: '¿Quién ganó el partido?', expectNoAnswer: true }),
      await call(ctx, org.owner, 'POST', '/api/v1/knowledge/tests', { question: '¿Cuánto cuesta el envío?', expectedAnswer: '$99.999' }),
    ];
    expect(created.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
    const run = json<{ total: number; passed: number; passRate: number; results: { question: string; passed: boolean }[] }>(await call(ctx, org.owner, 'POST', '/api/v1/knowledge/tests/run'));
    expect(run).toMatchObject({ total: 4, passed: 3, passRate: 0.75 });
    expect(run.results.find((r) => !r.passed)?.question).toBe('¿Cuánto cuesta el envío?');
    const failing = json<{ id: string }>(created[3]!).id;
    expect(json(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/tests/${failing}`))).toMatchObject({ lastPassed: false, lastAnswer: expect.stringContaining('12.900') });
    expect(json(await call(ctx, org.owner, 'PATCH', `/api/v1/knowledge/tests/${failing}`, { expectedAnswer: '12.900 COP' }))).toMatchObject({ expectedAnswer: '12.900 COP' });
    expect(json(await call(ctx, org.owner, 'POST', '/api/v1/knowledge/tests/run'))).toMatchObject({ passed: 4, passRate: 1 });
    const runs = json<{ items: { passRate: number }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/knowledge/tests/runs'));
    expect(runs.items.map((r) => r.passRate)).toEqual([1, 0.75]);
    expect((await call(ctx, org.owner, 'DELETE', `/api/v1/knowledge/tests/${failing}`)).statusCode).toBe(204);
    expect(json<{ items: unknown[] }>(await call(ctx, org.owner, 'GET', '/api/v1/knowledge/tests')).items).toHaveLength(3);
  });

  it('validates tests', async () => {
    expect((await call(ctx, org.owner, 'POST', '/api/v1/knowledge/tests', { question: 'sin expectativa' })).statusCode).toBe(400);
    const unknownDoc = await call(ctx, org.owner, 'POST', '/api/v1/knowledge/tests', { question: 'x', expectedDocumentId: newId() });
    expect(unknownDoc.statusCode).toBe(400);
    expect(json(unknownDoc).code).toBe('document_not_found');
    expect((await call(ctx, org.owner, 'PATCH', `/api/v1/knowledge/tests/${newId()}`, { question: 'x' })).statusCode).toBe(404);
  });
});
