import { parentPort } from 'node:worker_threads';
import { extractContent } from './extract-content.ts';
import { type DocumentFormat, ExtractionFailure, type ExtractionLimits } from './types.ts';

/** Message the parent sends: one document to read. */
export interface ExtractRequest {
  format: DocumentFormat;
  bytes: Uint8Array;
  limits: ExtractionLimits;
}

/** Messages the worker sends: ready (modules loaded), then its one answer. */
export type ExtractReply =
  | { ready: true }
  | { ok: true; content: Awaited<ReturnType<typeof extractContent>> }
  | { ok: false; reason: ExtractionFailure['reason']; params: Record<string, string | number> };

// One document per worker: the parent terminates it after the answer (or at the deadline), so whatever a
// hostile file does to this thread's memory or event loop dies with it.
parentPort?.once('message', async (request: ExtractRequest) => {
  let reply: ExtractReply;
  try {
    reply = { ok: true, content: await extractContent(request.format, request.bytes, request.limits) };
  } catch (err) {
    reply = err instanceof ExtractionFailure ? { ok: false, reason: err.reason, params: err.params } : { ok: false, reason: 'processing_error', params: {} };
  }
  parentPort?.postMessage(reply);
});
// Modules are loaded: the parent starts the document's clock now, so start-up time is not counted.
parentPort?.postMessage({ ready: true });
