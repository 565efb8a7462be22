import { z } from 'zod';
import { defineJob } from '../../../jobs/queue.ts';

/**
 * Reads, chunks and indexes one version of a knowledge document, then makes it the document's active
 * version in one transaction. Idempotent: a version already processed, superseded or deleted is skipped.
 */
export const processDocumentJob = defineJob({
  name: 'knowledge.process-document',
  payload: z.object({ organizationId: z.uuid(), versionId: z.uuid() }),
  maxAttempts: 3,
  backoff: { baseMs: 5_000, maxMs: 5 * 60_000 },
  leaseMs: 5 * 60_000,
});

/** Embeds every chunk of an organization that has no vector under the current embeddings settings. */
export const embedChunksJob = defineJob({
  name: 'knowledge.embed-chunks',
  payload: z.object({ organizationId: z.uuid() }),
  maxAttempts: 8,
  backoff: { baseMs: 10_000, maxMs: 30 * 60_000 },
  leaseMs: 5 * 60_000,
});
