import type { Deps } from '../../container.ts';
import type { JobRunner } from '../../jobs/pg-queue.ts';
import { embedChunksJob, processDocumentJob } from './jobs/definitions.ts';
import { embedChunksHandler } from './jobs/embed-chunks.job.ts';
import { processDocumentHandler } from './jobs/process-document.job.ts';

/** Registers the knowledge module's job handlers (document processing and embeddings) on a runner. */
export function registerKnowledgeJobs(runner: JobRunner, deps: Deps): void {
  runner.register(processDocumentJob, processDocumentHandler(deps));
  runner.register(embedChunksJob, embedChunksHandler(deps));
}
