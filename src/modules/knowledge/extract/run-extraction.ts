import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExtractReply, ExtractRequest } from './extract.worker.ts';
import { extractContent, ISOLATED_FORMATS } from './extract-content.ts';
import { type DocumentFormat, type ExtractedContent, ExtractionFailure, type ExtractionLimits } from './types.ts';

/** Time and memory granted to reading one document. */
export interface ExtractionBudget {
  timeoutMs: number;
  maxHeapMb: number;
  limits: ExtractionLimits;
}

const WORKER_URL = new URL('./extract.worker.ts', import.meta.url);
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * Reads a document within a time and memory budget. PDF, DOCX and HTML are parsed in a fresh worker
 * thread with a V8 heap limit, terminated at the deadline: a hostile or broken file can exhaust that
 * thread, never the process, and the caller always gets content or an `ExtractionFailure` with a reason
 * (`processing_timeout`, `processing_memory`, or the parser's own). Plain text formats are read inline.
 */
export async function runExtraction(format: DocumentFormat, bytes: Uint8Array, budget: ExtractionBudget): Promise<ExtractedContent> {
  if (!ISOLATED_FORMATS.has(format)) return extractContent(format, bytes, budget.limits);
  const worker = new Worker(bootstrapSource(), {
    eval: true,
    resourceLimits: { maxOldGenerationSizeMb: budget.maxHeapMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, budget.maxHeapMb / 8)), stackSizeMb: 4 },
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();
  try {
    return await new Promise<ExtractedContent>((resolve, reject) => {
      // Loading the parser (and, from TypeScript sources, the compiler) has its own generous deadline;
      // the document's budget starts once the worker says it is ready.
      let timer = setTimeout(() => reject(new ExtractionFailure('processing_error')), STARTUP_TIMEOUT_MS);
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        fn();
      };
      worker.on('message', (reply: ExtractReply) => {
        if ('ready' in reply) {
          clearTimeout(timer);
          timer = setTimeout(() => reject(new ExtractionFailure('processing_timeout', { seconds: Math.round(budget.timeoutMs / 1000) })), budget.timeoutMs);
          const copy = new Uint8Array(bytes);
          const request: ExtractRequest = { format, bytes: copy, limits: budget.limits };
          worker.postMessage(request, [copy.buffer]);
          return;
        }
        settle(() => (reply.ok ? resolve(reply.content) : reject(new ExtractionFailure(reply.reason, reply.params))));
      });
      worker.once('error', (err: NodeJS.ErrnoException) =>
        settle(() => reject(new ExtractionFailure(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'processing_memory' : 'processing_error'))),
      );
      worker.once('exit', () => settle(() => reject(new ExtractionFailure('processing_error'))));
    });
  } finally {
    await worker.terminate();
  }
}

/**
 * The worker's entry: when the source is TypeScript (run through tsx, as `charla` is), the worker thread
 * registers tsx's loader itself — Node 20 does not pass the parent's module hooks on to workers.
 */
function bootstrapSource(): string {
  const target = JSON.stringify(WORKER_URL.href);
  if (!WORKER_URL.pathname.endsWith('.ts')) return `import(${target});`;
  const tsx = JSON.stringify(tsxApiUrl());
  return `import(${tsx}).then(({ register }) => { register(); return import(${target}); });`;
}

/** The ESM entry of tsx's register API (its CommonJS twin cannot register ESM hooks from a worker). */
function tsxApiUrl(): string {
  try {
    if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
  } catch {
    // not available under every test runner; fall back to require resolution below
  }
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
}
