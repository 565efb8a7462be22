import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../../test/fakes/openai-server.ts';
import { type TestContext, createTestContext, json } from '../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { answerFromKnowledge } from './answer.ts';
import { knowledgeDemoSeeder } from './knowledge.demo.ts';
import { searchKnowledge } from './search/search.ts';

/** A toy "multilingual model": words of a concept in any language map to the same dimension. */
const CONCEPTS = [
  ['shipping', 'delivery', 'envío', 'envio', 'domicilio', 'flete', 'frete', 'entrega'],
  ['cost', 'price', 'much', 'cuesta', 'cuánto', 'vale', 'precio', 'custa', 'valor'],
  ['password', 'contraseña', 'senha'],
  ['warranty', 'garantía', 'garantia'],
];
function conceptEmbedding(text: string): number[] {
  const words = text.toLowerCase().split(/[^\p{L}]+/u);
  const v = CONCEPTS.map((c) => words.filter((w) => c.includes(w)).length);
  v.push(0.05);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

let ctx: TestContext;
let org: TestOrg;
let fake: FakeOpenAIServer;
let vectors: boolean;

beforeAll(async () => {
  ctx = await createTestContext({ CHARLA_ALLOW_PRIVATE_NETWORK: 'true' });
  org = await createOrg(ctx);
  fake = await startFakeOpenAIServer({ apiKey: 'sk-test-0123456789abcd', embed: (text) => conceptEmbedding(text) });
  vectors = await ctx.container.database.hasVector();
  await knowledgeDemoSeeder.seed(ctx.container, org.organizationId, 'es');
});
afterAll(async () => {
  await fake.close();
  await ctx.close();
});

const ask = (q: string, options = {}) => answerFromKnowledge(ctx.container, org.organizationId, q, options);

describe('lexical search on the demo knowledge base', () => {
  it('finds the Q&A pair with its matched question, answer, scores and confidence', async () => {
    const res = json<{ results: Record<string, unknown>[]; vector: boolean; lexicalReason: string }>(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/search?q=${encodeURIComponent('cuanto vale el domicilio a medellin')}&limit=3`));
    expect(res).toMatchObject({ vector: false, lexicalReason: vectors ? 'no_provider' : 'no_vector_extension' });
    expect(res.results).toHaveLength(3);
    expect(res.results[0]).toMatchObject({
      documentTitle: 'envios',
      kind: 'qa',
      matchedQuestion: '¿Cuánto vale el domicilio?',
      questions: ['¿Cuánto cuesta el envío?', '¿Cuánto vale el domicilio?', '¿Qué precio tiene el flete?'],
      answer: expect.stringContaining('$12.900'),
      topic: 'ENVÍOS Y ENTREGAS (Tienda Aurora, Colombia)',
      signals: expect.objectContaining({ fullText: expect.any(Number), trigram: expect.any(Number), vector: null }),
    });
    expect(res.results[0]!.confidence as number).toBeGreaterThan(0.6);
    expect(res.results[0]!.score as number).toBeGreaterThan(res.results[1]!.score as number);
  });

  it('tolerates typos and missing accents', async () => {
    expect((await ask('cuanto dura la garnatia')).status).toBe('answered');
    expect((await ask('Qunato custa o frete?'))).toMatchObject({ status: 'answered', answer: expect.stringContaining('19,90') });
  });

  it('searches quotes, backslashes and control characters as plain text', async () => {
    // The query travels inlined in the search's first message: it must stay one string literal.
    const res = await searchKnowledge(ctx.container, org.organizationId, "¿cuánto vale\u0000 el\u0007 domicilio?' ; select 1; -- \\' E'\\\\ $$ \"", { limit: 3 });
    expect(res.query).toBe("¿cuánto vale el domicilio?' ; select 1; -- \\' E'\\\\ $$ \"");
    expect(res.results[0]).toMatchObject({ documentTitle: 'envios', matchedQuestion: '¿Cuánto vale el domicilio?' });
  });

  it('says it does not know instead of inventing', async () => {
    for (const q of ['¿Quién ganó el partido de ayer?', 'What is the capital of France?', 'Vocês vendem carros usados?']) {
      const a = await ask(q);
      expect(a.status, q).toBe('unknown');
    }
    expect(await ask('   ')).toMatchObject({ status: 'unknown', reason: 'empty_question' });
    // A stricter threshold refuses a paraphrase the default accepts.
    expect((await ask('¿Cuándo me devuelven la plata?')).status).toBe('answered');
    expect((await ask('¿Cuándo me devuelven la plata?', { threshold: 0.95 })).status).toBe('unknown');
  });

  it('answers the test panel with sources and every retrieved chunk', async () => {
    const res = json<Record<string, unknown> & { sources: unknown[]; results: unknown[] }>(await call(ctx, org.owner, 'POST', '/api/v1/knowledge/ask', { question: '¿Aceptan Nequi?' }));
    expect(res).toMatchObject({ status: 'answered', answer: expect.stringContaining('Nequi'), reason: null, threshold: 0.45, matchedQuestion: '¿Aceptan pagos con Nequi?' });
    expect(res.sources.length).toBeGreaterThan(0);
    expect(res.results.length).toBeGreaterThan(1);
    expect(json(await call(ctx, org.owner, 'POST', '/api/v1/knowledge/ask', { question: 'receta del ajiaco' }))).toMatchObject({ status: 'unknown', answer: null, reason: expect.any(String) });
  });

  it('prefers documents in the asker\'s language', async () => {
    const entries: [string, string, string][] = [
      ['Horario ES', 'Pregunta: ¿Cuál es el horario del taller?\nRespuesta: Taller: de 8 a 6.', 'es'],
      ['Horário PT', 'Pergunta: Qual é o horário do taller?\nResposta: Taller: das 8 às 18.', 'pt'],
    ];
    for (const [title, content, language] of entries) await call(ctx, org.owner, 'POST', '/api/v1/knowledge/documents', { title, content, language });
    await ctx.runJobs();
    const top = async (language: string) => (await searchKnowledge(ctx.container, org.organizationId, 'horario taller', { language })).results[0]?.documentTitle;
    expect(await top('pt-BR')).toBe('Horário PT');
    expect(await top('es')).toBe('Horario ES');
  });
});

describe('embeddings (OpenAI-compatible provider)', () => {
  it('stores the API key encrypted and never returns it', async () => {
    const bad = await call(ctx, org.owner, 'PUT', '/api/v1/knowledge/settings', { embeddings: { provider: 'openai_compatible', model: 'm' } });
    expect(bad.statusCode).toBe(400);
    expect(json(bad).code).toBe('embeddings_incomplete');
    const res = await call(ctx, org.owner, 'PUT', '/api/v1/knowledge/settings', { embeddings: { provider: 'openai_compatible', baseUrl: fake.baseUrl, model: 'concepts', apiKey: 'sk-test-0123456789abcd' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('sk-test-0123456789abcd');
    expect(json(res)).toMatchObject({ embeddings: { provider: 'openai_compatible', model: 'concepts', apiKey: { isSet: true, last4: 'abcd' } }, vectorSearchAvailable: vectors });
    const [row] = await ctx.container.database.rows<{ k: string }>(sql`select embedding_api_key as k from knowledge_settings where organization_id = ${org.organizationId}`);
    expect(row!.k).not.toContain('sk-test');
    expect(json(await call(ctx, org.owner, 'POST', '/api/v1/knowledge/settings/test'))).toMatchObject({ ok: true, dimensions: CONCEPTS.length + 1 });
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer sk-test-0123456789abcd');
  });

  it('embeds every chunk in the background and searches with vectors too', async () => {
    await ctx.runJobs();
    const settings = json<{ embeddingStatus: { totalChunks: number; embeddedChunks: number; lastError: string | null } }>(await call(ctx, org.owner, 'GET', '/api/v1/knowledge/settings'));
    if (!vectors) {
      expect(settings.embeddingStatus.embeddedChunks).toBe(0);
      const res = await searchKnowledge(ctx.container, org.organizationId, '¿Cuánto cuesta el envío?');
      expect(res).toMatchObject({ vector: false, lexicalReason: 'no_vector_extension' });
      expect(res.results[0]?.documentTitle).toBe('envios');
      return;
    }
    expect(settings.embeddingStatus.embeddedChunks).toBe(settings.embeddingStatus.totalChunks);
    expect(settings.embeddingStatus.lastError).toBeNull();
    const res = await searchKnowledge(ctx.container, org.organizationId, '¿Cuánto cuesta el envío?');
    expect(res.vector).toBe(true);
    expect(res.results[0]).toMatchObject({ documentTitle: 'envios', signals: expect.objectContaining({ vector: expect.any(Number) }) });
  });

  it('finds answers written in another language through vectors', async () => {
    const lexical = await searchKnowledge(ctx.container, org.organizationId, 'shipping price', { mode: 'lexical' });
    expect(lexical.results.some((r) => r.answer?.includes('12.900'))).toBe(false);
    const hybrid = await ask('shipping price');
    if (!vectors) return expect(hybrid.status).toBe('unknown');
    expect(hybrid.results.slice(0, 3).some((r) => r.answer?.includes('$12.900') || r.answer?.includes('19,90'))).toBe(true);
  });

  it('falls back to lexical search when the provider fails', async () => {
    fake.failNext(1, 500);
    const res = await searchKnowledge(ctx.container, org.organizationId, '¿Cuánto cuesta el envío?');
    expect(res.vector).toBe(false);
    expect(res.lexicalReason).toBe(vectors ? 'provider_error' : 'no_vector_extension');
    expect(res.results[0]?.documentTitle).toBe('envios');
  });

  it('re-embeds after a model change, and records a provider refusal for the settings page', async () => {
    if (!vectors) return;
    await call(ctx, org.owner, 'PUT', '/api/v1/knowledge/settings', { embeddings: { provider: 'openai_compatible', baseUrl: fake.baseUrl, model: 'concepts-v2', apiKey: 'sk-wrong-key-000000' } });
    const [left] = await ctx.container.database.rows<{ n: number }>(sql`select count(*)::int as n from knowledge_embeddings where organization_id = ${org.organizationId}`);
    expect(left!.n).toBe(0);
    await ctx.runJobs();
    const settings = json<{ embeddingStatus: { embeddedChunks: number; lastError: string | null } }>(await call(ctx, org.owner, 'GET', '/api/v1/knowledge/settings'));
    expect(settings.embeddingStatus).toMatchObject({ embeddedChunks: 0, lastError: expect.stringContaining('auth') });
    expect(json(await call(ctx, org.owner, 'POST', '/api/v1/knowledge/settings/test'))).toMatchObject({ ok: false, code: 'auth' });
    // Search still answers (lexically) meanwhile.
    expect((await ask('¿Cuánto cuesta el envío?')).status).toBe('answered');
    await call(ctx, org.owner, 'PUT', '/api/v1/knowledge/settings', { embeddings: { provider: 'openai_compatible', apiKey: 'sk-test-0123456789abcd' } });
    await ctx.runJobs();
    const fixed = json<{ embeddingStatus: { embeddedChunks: number; totalChunks: number; lastError: string | null } }>(await call(ctx, org.owner, 'GET', '/api/v1/knowledge/settings'));
    expect(fixed.embeddingStatus.embeddedChunks).toBe(fixed.embeddingStatus.totalChunks);
  });

  it('turns vectors off with provider none', async () => {
    const res = json(await call(ctx, org.owner, 'PUT', '/api/v1/knowledge/settings', { embeddings: { provider: 'none' }, answerThreshold: 0.5 }));
    expect(res).toMatchObject({ embeddings: { provider: 'none', apiKey: { isSet: false } }, answerThreshold: 0.5, effectiveAnswerThreshold: 0.5 });
    expect((await searchKnowledge(ctx.container, org.organizationId, 'envio')).lexicalReason).toBe(vectors ? 'no_provider' : 'no_vector_extension');
  });
});
