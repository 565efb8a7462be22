import { sql } from 'drizzle-orm';
import pg from 'pg';
import { searchKnowledge } from '../src/modules/knowledge/index.ts';
import { processVersion } from '../src/modules/knowledge/jobs/process-document.job.ts';
import { type KnowledgeWorkspace, openKnowledgeWorkspace } from '../test/support/knowledge-workspace.ts';
import { writePdf } from '../test/support/pdf-writer.ts';
import { QUICK } from './support/load.ts';
import { benchEmbedder, loadCorpus, random } from './support/knowledge-corpus.ts';

/**
 * Knowledge search latency and ingestion throughput, on PostgreSQL and PGlite in the same run:
 * - search p50/p95 (ms) at 10,000 and 100,000 chunks, lexical and hybrid (vectors need pgvector: always on
 *   PGlite, only where installed on PostgreSQL), over direct, reworded and out-of-scope questions;
 * - PGlite as a ratio of PostgreSQL;
 * - ingestion of a generated 500-page PDF through the real pipeline (worker-thread extraction, chunking,
 *   indexing, activation), in pages per second.
 * Targets: lexical p95 < 30 ms and hybrid p95 < 60 ms at 100k chunks on PostgreSQL; PGlite within 3×.
 */
export const name = 'knowledge';

const SIZES = QUICK ? [2_000, 10_000] : [10_000, 100_000];
const QUERIES = QUICK ? 40 : 150;
const WARMUP = QUICK ? 5 : 20;
const PAGES = QUICK ? 100 : 500;

/** Runs the suite and returns its figures. */
export async function run(): Promise<Record<string, number | string>> {
  const figures: Record<string, number | string> = {};
  const notes: string[] = [];
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `charla_kb_bench_${process.pid}`;
  const backends: { label: 'pg' | 'pglite'; open: () => Promise<KnowledgeWorkspace>; cleanup?: () => Promise<void> }[] = [];
  if (await createDatabase(adminUrl, database)) {
    backends.push({
      label: 'pg',
      open: () => openKnowledgeWorkspace({ database: { kind: 'postgres', url: withDatabase(adminUrl, database), poolSize: 10 } }),
      cleanup: () => dropDatabase(adminUrl, database),
    });
  } else {
    notes.push('PostgreSQL not reachable: PostgreSQL figures and ratios are missing');
  }
  backends.push({ label: 'pglite', open: () => openKnowledgeWorkspace() });

  for (const backend of backends) {
    const ws = await backend.open();
    try {
      const vectors = await ws.container.database.hasVector();
      if (!vectors) notes.push(`${backend.label}: no pgvector, hybrid search not measured (lexical only)`);
      figures[`ingest_${PAGES}p_pdf_pages_per_s_${backend.label}`] = await ingestPdf(ws);
      let loaded = 0;
      const questions: string[] = [];
      for (const size of SIZES) {
        const t = performance.now();
        questions.push(...(await loadCorpus(ws.container.database, ws.organizationId, size - loaded, { withVectors: vectors, seed: size })));
        console.log(`  ${backend.label}: ${size} chunks loaded (+${size - loaded} in ${Math.round((performance.now() - t) / 1000)} s)`);
        loaded = size;
        const queries = querySet(questions, QUERIES, size);
        const label = `${size >= 1000 ? `${size / 1000}k` : size}`;
        const lexical = await latencies(ws, queries, 'lexical');
        figures[`search_lexical_${label}_p50_ms_${backend.label}`] = lexical.p50;
        figures[`search_lexical_${label}_p95_ms_${backend.label}`] = lexical.p95;
        if (vectors) {
          const hybrid = await latencies(ws, queries, 'auto');
          figures[`search_hybrid_${label}_p50_ms_${backend.label}`] = hybrid.p50;
          figures[`search_hybrid_${label}_p95_ms_${backend.label}`] = hybrid.p95;
        }
      }
    } finally {
      await ws.close();
      await backend.cleanup?.();
    }
  }

  for (const size of SIZES) {
    const label = `${size >= 1000 ? `${size / 1000}k` : size}`;
    const pgP95 = figures[`search_lexical_${label}_p95_ms_pg`];
    const liteP95 = figures[`search_lexical_${label}_p95_ms_pglite`];
    if (typeof pgP95 === 'number' && typeof liteP95 === 'number') figures[`search_lexical_${label}_p95_pglite_over_pg`] = round(liteP95 / pgP95, 2);
  }
  const big = `${SIZES.at(-1)! / 1000}k`;
  const verdicts = [
    check(figures[`search_lexical_${big}_p95_ms_pg`], 30, `lexical p95 at ${big} on PostgreSQL`),
    check(figures[`search_hybrid_${big}_p95_ms_pg`], 60, `hybrid p95 at ${big} on PostgreSQL`),
    check(figures[`search_hybrid_${big}_p95_ms_pglite`], 60, `hybrid p95 at ${big} on PGlite`),
    check(figures[`search_lexical_${big}_p95_pglite_over_pg`], 3, `PGlite/PostgreSQL lexical p95 ratio at ${big}`),
  ].filter(Boolean);
  figures.notes = [...notes, ...verdicts].join('; ') || 'all targets met';
  return figures;
}

/** Uploads a generated PDF and times its processing (extraction in the worker, chunking, indexing, activation). */
async function ingestPdf(ws: KnowledgeWorkspace): Promise<number> {
  const rnd = random(7);
  const words = ['envío', 'pedido', 'garantía', 'devolución', 'pago', 'tarjeta', 'tienda', 'producto', 'cambio', 'factura', 'cuotas', 'horario'];
  const line = () => Array.from({ length: 12 }, () => words[Math.floor(rnd() * words.length)]).join(' ');
  const pages = Array.from({ length: PAGES }, (_, p) => ({
    lines: [`# TEMA: SECCIÓN ${p + 1}`, ...Array.from({ length: 10 }, (_, i) => [`Pregunta: ¿${line()} ${p}-${i}?`, `Respuesta: ${line()}. ${line()}.`]).flat()],
  }));
  const pdf = writePdf(pages);
  const id = await ws.addFile('manual.pdf', pdf, 'Manual');
  const [version] = await ws.container.database.rows<{ id: string }>(sql`select latest_version_id as id from knowledge_documents where id = ${id}`);
  const t = performance.now();
  await processVersion(ws.container, ws.organizationId, version!.id, { attempt: 1 });
  const seconds = (performance.now() - t) / 1000;
  const [doc] = await ws.container.database.rows<{ status: string; page_count: number }>(sql`select status, page_count from knowledge_documents where id = ${id}`);
  if (doc?.status !== 'ready' || doc.page_count !== PAGES) throw new Error(`PDF ingestion did not finish: ${JSON.stringify(doc)}`);
  console.log(`  ingested a ${PAGES}-page PDF (${Math.round(pdf.length / 1024)} KiB) in ${seconds.toFixed(2)} s`);
  return round(PAGES / seconds, 1);
}

/** Direct questions, reworded ones (a word dropped, one misspelt) and out-of-scope ones, in equal parts. */
function querySet(questions: string[], n: number, seed: number): string[] {
  const rnd = random(seed);
  const pick = () => questions[Math.floor(rnd() * questions.length)]!;
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const q = pick();
    if (i % 3 === 0) out.push(q);
    else if (i % 3 === 1) {
      const words = q.replace(/[¿?]/g, '').split(' ');
      words.splice(Math.floor(rnd() * words.length), 1);
      const w = Math.floor(rnd() * words.length);
      words[w] = words[w]!.length > 4 ? `${words[w]!.slice(0, 2)}${words[w]![3]}${words[w]![2]}${words[w]!.slice(4)}` : words[w]!;
      out.push(words.join(' '));
    } else out.push(['¿Quién ganó el partido de ayer?', '¿Cuál es la receta del ajiaco?', 'What is the capital of France?', '¿Venden carros usados?'][i % 4]!);
  }
  return out;
}

async function latencies(ws: KnowledgeWorkspace, queries: string[], mode: 'lexical' | 'auto'): Promise<{ p50: number; p95: number }> {
  const search = (q: string) => searchKnowledge(ws.container, ws.organizationId, q, { mode, limit: 5, embedder: mode === 'auto' ? benchEmbedder : null });
  for (const q of queries.slice(0, WARMUP)) await search(q);
  const times: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    await search(q);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => round(times[Math.min(times.length - 1, Math.floor(p * times.length))]!, 2);
  return { p50: at(0.5), p95: at(0.95) };
}

function check(value: number | string | undefined, limit: number, what: string): string {
  if (typeof value !== 'number') return '';
  return value <= limit ? '' : `${what} is ${value} (target ≤ ${limit})`;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

async function createDatabase(adminUrl: string, name: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
    await admin.query(`create database ${pg.escapeIdentifier(name)}`);
    return true;
  } catch {
    return false;
  } finally {
    await admin.end().catch(() => {});
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  } finally {
    await admin.end();
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
