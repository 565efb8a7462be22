import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Embedder } from '../../src/adapters/embeddings/openai-embeddings.ts';
import type { Database } from '../../src/db/client.ts';
import { chunkText } from '../../src/modules/knowledge/chunking/chunker.ts';
import { applyTermStatistics, embeddingTextOf, ensureVectorStore, insertChunks, prepareChunks, upsertEmbeddings } from '../../src/modules/knowledge/chunks.repository.ts';
import { DEMO_KNOWLEDGE_DIR } from '../../src/modules/knowledge/knowledge.demo.ts';
import { newId } from '../../src/shared/ids.ts';
import { localEmbedding } from '../../test/fakes/local-embedding.ts';

/** A deterministic pseudo-random generator (mulberry32), so every run builds the same corpus. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A Spanish-looking vocabulary: the sample knowledge base's own words plus generated ones, drawn with a
 * Zipf distribution (a few words very common, most rare), as in real text.
 */
export function vocabulary(size: number, rnd: () => number): { draw(): string; words: string[] } {
  const seedWords = new Set<string>();
  for (const f of fs.readdirSync(DEMO_KNOWLEDGE_DIR)) {
    for (const w of fs.readFileSync(path.join(DEMO_KNOWLEDGE_DIR, f), 'utf8').toLowerCase().split(/[^\p{L}]+/u)) if (w.length > 3) seedWords.add(w);
  }
  const syllables = ['ma', 'pe', 'lo', 'ri', 'ta', 'ven', 'cas', 'tro', 'mi', 'sa', 'ne', 'go', 'pla', 'ser', 'cu', 'dor', 'fi', 'za', 'bri', 'ción'];
  const words = [...seedWords];
  while (words.length < size) {
    const n = 2 + Math.floor(rnd() * 3);
    words.push(Array.from({ length: n }, () => syllables[Math.floor(rnd() * syllables.length)]).join(''));
  }
  const weights = words.map((_, i) => 1 / (i + 1) ** 0.9);
  const cumulative: number[] = [];
  weights.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
  const total = cumulative.at(-1)!;
  return {
    words,
    draw() {
      const x = rnd() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      return words[lo]!;
    },
  };
}

/** The in-process deterministic embedder the benchmark stores and queries vectors with. */
export const benchEmbedder: Embedder = { key: 'bench-local-256', embed: async (values) => values.map((v) => localEmbedding(v, 256)) };

/**
 * Fills an organization with `chunks` Q&A chunks in documents of 1,000, straight through the repository
 * (chunks, term statistics, and vectors when `withVectors`): the search benchmark's
 * corpus. Returns sample questions (as written) to query with.
 */
export async function loadCorpus(database: Database, organizationId: string, chunks: number, options: { withVectors: boolean; seed?: number }): Promise<string[]> {
  const rnd = random(options.seed ?? 42);
  const vocab = vocabulary(20_000, rnd);
  const sentence = (min: number, max: number) => Array.from({ length: min + Math.floor(rnd() * (max - min)) }, () => vocab.draw()).join(' ');
  const questions: string[] = [];
  // Vectors are loaded without the HNSW index, which is then built once (far faster than row by row).
  if (options.withVectors) {
    await ensureVectorStore(database);
    await database.exec('DROP INDEX IF EXISTS knowledge_embeddings_hnsw_256');
  }
  for (let done = 0; done < chunks; done += 1000) {
    const n = Math.min(1000, chunks - done);
    const text = Array.from({ length: n }, (_, i) => {
      const q = `¿${sentence(4, 9)}?`;
      if (i % 50 === 0) questions.push(q);
      return `${i % 100 === 0 ? `# TEMA: ${sentence(2, 4).toUpperCase()}\n\n` : ''}Pregunta: ${q}\nPregunta: ¿${sentence(3, 7)}?\nRespuesta: ${sentence(18, 45)}.`;
    }).join('\n\n');
    const prepared = prepareChunks(chunkText(text));
    const documentId = newId();
    const versionId = newId();
    const title = `Documento ${done / 1000 + 1}`;
    const vectors = options.withVectors ? await benchEmbedder.embed(prepared.map((c) => embeddingTextOf(c, title))) : [];
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into knowledge_documents (id, organization_id, title, source, status, language, latest_version_id, chunk_count)
                           values (${documentId}, ${organizationId}, ${title}, 'entry', 'ready', 'es', ${versionId}, ${prepared.length})`);
      await tx.execute(sql`insert into knowledge_document_versions (id, organization_id, document_id, number, source, status, chunk_count)
                           values (${versionId}, ${organizationId}, ${documentId}, 1, 'entry', 'ready', ${prepared.length})`);
      await insertChunks(tx, { organizationId, documentId, versionId, title, tsConfig: 'spanish', chunks: prepared });
      if (options.withVectors) await upsertEmbeddings(tx, organizationId, benchEmbedder.key, prepared.map((c, i) => ({ chunkId: c.id, vector: vectors[i]! })));
      await applyTermStatistics(tx, organizationId, versionId, 1);
      await tx.execute(sql`update knowledge_documents set active_version_id = ${versionId} where id = ${documentId}`);
    });
  }
  await database.exec('ANALYZE knowledge_chunks; ANALYZE knowledge_terms; ANALYZE knowledge_documents;');
  if (options.withVectors) {
    await ensureVectorStore(database, 256);
    await database.exec('ANALYZE knowledge_embeddings;');
  }
  return questions;
}
