import type { PGlite, Transaction } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { type TestContext, createTestContext, json } from '../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { type ApiDocument, ingest, uploadDocument } from '../../../test/support/knowledge.ts';
import { writePdf } from '../../../test/support/pdf-writer.ts';
import { searchKnowledge } from './search/search.ts';

let ctx: TestContext;
let org: TestOrg;

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx);
});
afterAll(async () => ctx.close());

const faq = (price: string, extra = '') => `# TEMA: ENVÍOS\n\nPregunta: ¿Cuánto cuesta el envío?\nRespuesta: El envío cuesta ${price}.\n${extra}`;
// The service directly (not HTTP): the concurrent loop below would otherwise meet the API rate limit.
const answerTo = async (q: string) => (await searchKnowledge(ctx.container, org.organizationId, q, { limit: 10 })).results;
const getDoc = async (id: string) => json<ApiDocument & { versions: { number: number; status: string; active: boolean }[] }>(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/documents/${id}`));
const rows = (q: ReturnType<typeof sql>) => ctx.container.database.rows<{ n: number }>(q);

describe('re-upload replaces content atomically', () => {
  it('keeps answering from the old version until the new one is fully indexed, then switches in one step', async () => {
    const doc = await ingest(ctx, org.owner, { filename: 'envios.txt', data: faq('$10.000') });
    expect((await answerTo('¿Cuánto cuesta el envío?'))[0]?.answer).toBe('El envío cuesta $10.000.');

    const many = Array.from({ length: 300 }, (_, i) => `Pregunta: ¿Pregunta de relleno ${i}?\nRespuesta: Respuesta ${i}.`).join('\n\n');
    const put = await uploadDocument(ctx, org.owner, { filename: 'envios-v2.txt', data: faq('$15.000', `\n${many}`) }, {}, doc.id);
    expect(put.statusCode).toBe(202);
    expect(json(put)).toMatchObject({ status: 'pending', hasActiveVersion: true });
    expect((await answerTo('¿Cuánto cuesta el envío?'))[0]?.answer).toBe('El envío cuesta $10.000.');

    // Search continuously while the new version is processed: every answer is the old or the new one, never none or both.
    let processing = true;
    const seen = new Set<string>();
    const searches = (async () => {
      while (processing) {
        const results = await answerTo('¿Cuánto cuesta el envío?');
        const prices = results.map((r) => r.answer).filter((a) => a?.startsWith('El envío cuesta'));
        expect(prices).toHaveLength(1);
        seen.add(prices[0]!);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await ctx.runJobs();
    processing = false;
    await searches;
    expect([...seen].every((a) => a === 'El envío cuesta $10.000.' || a === 'El envío cuesta $15.000.')).toBe(true);

    expect((await answerTo('¿Cuánto cuesta el envío?'))[0]?.answer).toBe('El envío cuesta $15.000.');
    const after = await getDoc(doc.id);
    expect(after).toMatchObject({ status: 'ready', chunkCount: 301, title: 'envios' });
    expect(after.versions.map((v) => [v.number, v.active])).toEqual([[2, true], [1, false]]);
    const [chunks] = await rows(sql`select count(*)::int as n from knowledge_chunks where document_id = ${doc.id}`);
    expect(chunks!.n).toBe(301);
    // Document frequencies follow the active version only.
    const [df] = await rows(sql`select coalesce(sum(chunk_count), 0)::int as n from knowledge_terms where organization_id = ${org.organizationId} and lexeme = 'envi'`);
    expect(df!.n).toBe(1);
  }, 60_000);

  it('answers from one version when a switch to another language commits in the middle of a search', async () => {
    // The new version is indexed with another text-search configuration (Portuguese): a search that
    // analyzed the query against the Spanish knowledge and retrieved from the Portuguese chunks (or the
    // reverse) would find nothing at all.
    const doc = await ingest(ctx, org.owner, { filename: 'frete.txt', data: 'Pregunta: ¿Cuánto cuesta el flete al extranjero?\nRespuesta: El flete internacional cuesta $80.000.' }, { language: 'es' });
    const put = await uploadDocument(ctx, org.owner, { filename: 'frete-pt.txt', data: 'Pregunta: ¿Cuánto cuesta el flete al extranjero?\nRespuesta: O frete internacional custa R$ 90.' }, {}, doc.id);
    expect(put.statusCode).toBe(202);
    expect((await call(ctx, org.owner, 'PATCH', `/api/v1/knowledge/documents/${doc.id}`, { language: 'pt' })).statusCode).toBe(200);

    // The switch commits right after the search's first statement (on PGlite, which runs one transaction
    // at a time, it is started there and waits for the search to finish).
    let switching: Promise<number> | undefined;
    const database = afterFirstStatement(ctx.container.database, async () => {
      switching = ctx.runJobs();
      if (ctx.container.database.kind === 'postgres') await switching;
    });
    const during = await searchKnowledge({ ...ctx.container, database }, org.organizationId, '¿Cuánto cuesta el flete al extranjero?', { limit: 10 });
    expect(switching).toBeDefined();
    await switching;
    expect(await getDoc(doc.id)).toMatchObject({ status: 'ready', language: 'pt' });
    const fromDoc = (results: { documentId: string; answer: string | null }[]) => results.filter((r) => r.documentId === doc.id).map((r) => r.answer);
    expect(fromDoc(during.results)).toEqual(['El flete internacional cuesta $80.000.']);
    expect(fromDoc(await answerTo('¿Cuánto cuesta el flete al extranjero?'))).toEqual(['O frete internacional custa R$ 90.']);
  });

  it('applies only the latest of several quick re-uploads', async () => {
    const doc = await ingest(ctx, org.owner, { filename: 'garantia.txt', data: 'Pregunta: ¿Cuánto dura la garantía?\nRespuesta: 3 meses.' });
    await uploadDocument(ctx, org.owner, { filename: 'g2.txt', data: 'Pregunta: ¿Cuánto dura la garantía?\nRespuesta: 6 meses.' }, {}, doc.id);
    await uploadDocument(ctx, org.owner, { filename: 'g3.txt', data: 'Pregunta: ¿Cuánto dura la garantía?\nRespuesta: 12 meses.' }, {}, doc.id);
    await ctx.runJobs();
    expect((await answerTo('¿Cuánto dura la garantía?'))[0]?.answer).toBe('12 meses.');
    const after = await getDoc(doc.id);
    expect(after.versions.map((v) => [v.number, v.active])).toEqual([[3, true], [1, false]]);
  });

  it('keeps the previous version answering when the new one fails', async () => {
    const doc = await ingest(ctx, org.owner, { filename: 'horario.txt', data: 'Pregunta: ¿A qué hora abren?\nRespuesta: A las 8:00.' });
    await uploadDocument(ctx, org.owner, { filename: 'horario.pdf', data: writePdf([{ lines: ['x'] }], { encrypted: true }) }, {}, doc.id);
    await ctx.runJobs();
    const after = await getDoc(doc.id);
    expect(after).toMatchObject({ status: 'failed', failureReason: 'pdf_encrypted', hasActiveVersion: true, chunkCount: 1 });
    expect((await answerTo('¿A qué hora abren?'))[0]?.answer).toBe('A las 8:00.');
    // Fixing it with a good upload recovers.
    await uploadDocument(ctx, org.owner, { filename: 'horario.txt', data: 'Pregunta: ¿A qué hora abren?\nRespuesta: A las 9:00.' }, {}, doc.id);
    await ctx.runJobs();
    expect(await getDoc(doc.id)).toMatchObject({ status: 'ready', failureReason: null });
    expect((await answerTo('¿A qué hora abren?'))[0]?.answer).toBe('A las 9:00.');
  });

  it('is idempotent: running a processed version again changes nothing', async () => {
    const doc = await ingest(ctx, org.owner, { filename: 'idem.txt', data: 'Pregunta: ¿Tienen parqueadero?\nRespuesta: Sí.' });
    const { processVersion } = await import('./jobs/process-document.job.ts');
    const [version] = await ctx.container.database.rows<{ id: string }>(sql`select active_version_id as id from knowledge_documents where id = ${doc.id}`);
    await processVersion(ctx.container, org.organizationId, version!.id, { attempt: 1 });
    const [chunks] = await rows(sql`select count(*)::int as n from knowledge_chunks where document_id = ${doc.id}`);
    expect(chunks!.n).toBe(1);
  });
});

/**
 * The database with `hook` run once, right after the first statement a search sends through the
 * connection (PostgreSQL) or transaction (PGlite) it reads in: the point where a commit by someone else
 * could split its analysis from its retrieval.
 */
function afterFirstStatement(database: Database, hook: () => Promise<void>): Database {
  let fired = false;
  const once = async <T>(result: T): Promise<T> => {
    if (!fired) {
      fired = true;
      await hook();
    }
    return result;
  };
  if (database.pool) {
    const pool = database.pool;
    const wrapped = new Proxy(pool, {
      get(target, prop) {
        if (prop !== 'connect') return Reflect.get(target, prop, target);
        return async () => {
          const client = await target.connect();
          return new Proxy(client, {
            get(c, p) {
              if (p !== 'query') return Reflect.get(c, p, c);
              return (...args: Parameters<pg.PoolClient['query']>) => (c.query as (...a: unknown[]) => Promise<unknown>)(...args).then(once);
            },
          });
        };
      },
    });
    return { ...database, pool: wrapped } as Database;
  }
  const lite = database.pglite!;
  const wrapped = new Proxy(lite, {
    get(target, prop) {
      if (prop !== 'transaction') return Reflect.get(target, prop, target);
      return <T>(fn: (tx: Transaction) => Promise<T>) =>
        target.transaction((tx) =>
          fn(
            new Proxy(tx, {
              get(t, p) {
                const value = Reflect.get(t, p, t);
                if (p !== 'exec' && p !== 'query') return typeof value === 'function' ? value.bind(t) : value;
                return (...args: unknown[]) => (value as (...a: unknown[]) => Promise<unknown>).apply(t, args).then(once);
              },
            }),
          ),
        );
    },
  }) as PGlite;
  return { ...database, pglite: wrapped } as Database;
}
