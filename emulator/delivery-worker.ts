import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** One webhook request for the delivery thread: the exact bytes, already signed. */
export interface DeliveryRequest {
  url: string;
  body: string;
  signature: string;
  timeoutMs: number;
  /** The receiver's limit of deliveries in flight: its connection pool keeps as many connections at most. */
  concurrency: number;
}

/** How a request ended: the receiver's HTTP status, or why there was none. */
export type DeliveryAnswer = { status: number } | { error: string };

/**
 * The thread's code, plain CommonJS (it runs as given, whether the emulator runs from the TypeScript
 * sources or from the server build). Requests and answers cross in batches, one message per turn of
 * either event loop.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent } = require(workerData.undici);
const pools = new Map();
let answers = [];
let flushing = false;
function pool(connections) {
  let agent = pools.get(connections);
  if (!agent) { agent = new Agent({ keepAliveTimeout: 4000, connections }); pools.set(connections, agent); }
  return agent;
}
function answer(id, outcome) {
  answers.push([id, outcome]);
  if (flushing) return;
  flushing = true;
  setImmediate(() => { flushing = false; const batch = answers; answers = []; parentPort.postMessage(batch); });
}
// The time limit is undici's own (no AbortController and timer per request: at thousands of requests a
// second they were a tenth of this thread's work). The answer's body is not read, so the time to its
// headers is the time to the answer.
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
async function deliver(id, r) {
  try {
    const url = new URL(r.url);
    const response = await pool(r.concurrency).request({
      origin: url.origin, path: url.pathname + url.search, method: 'POST', body: r.body,
      headersTimeout: r.timeoutMs, bodyTimeout: r.timeoutMs,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': r.signature, 'user-agent': 'facebookexternalua' },
    });
    answer(id, { status: response.statusCode });
    response.body.dump().catch(() => {});
  } catch (err) {
    answer(id, { error: err && TIMEOUT_CODES.has(err.code) ? 'The webhook request timed out' : err && err.message ? err.message : String(err) });
  }
}
parentPort.on('message', (message) => {
  if (message === 'close') { for (const agent of pools.values()) agent.destroy(new Error('the emulator closed')).catch(() => {}); return; }
  for (const [id, request] of message) void deliver(id, request);
});
`;

/**
 * The emulator's webhook requests, made on a thread of their own: during a campaign the emulator
 * answers a thousand Graph sends a second and delivers three thousand webhooks, and on one event loop
 * the two held each other back (the loop was busy all the time while the machine had a core to spare).
 * The main thread keeps the queues, the limits and the records; this thread only speaks HTTP.
 */
export class DeliveryThread {
  #worker: Worker;
  readonly #waiting = new Map<number, (answer: DeliveryAnswer) => void>();
  #nextId = 1;
  #outgoing: [number, DeliveryRequest][] = [];
  #flushing = false;
  #closed = false;

  constructor() {
    this.#worker = this.#start();
  }

  #start(): Worker {
    const worker = new Worker(SOURCE, { eval: true, workerData: { undici: createRequire(import.meta.url).resolve('undici') } });
    worker.unref();
    worker.on('message', (answers: [number, DeliveryAnswer][]) => {
      for (const [id, outcome] of answers) {
        const resolve = this.#waiting.get(id);
        this.#waiting.delete(id);
        resolve?.(outcome);
      }
    });
    worker.on('error', () => {});
    // Should the thread die, its requests fail (and are retried like any failed delivery) on a new one.
    worker.on('exit', () => {
      this.#failAll(this.#closed ? 'the emulator closed' : 'the delivery thread stopped');
      if (!this.#closed) this.#worker = this.#start();
    });
    return worker;
  }

  /** Makes one request; resolves with the answer (never rejects). */
  request(request: DeliveryRequest): Promise<DeliveryAnswer> {
    if (this.#closed) return Promise.resolve({ error: 'the emulator closed' });
    const id = this.#nextId++;
    return new Promise<DeliveryAnswer>((resolve) => {
      this.#waiting.set(id, resolve);
      this.#outgoing.push([id, request]);
      if (this.#flushing) return;
      this.#flushing = true;
      setImmediate(() => {
        this.#flushing = false;
        const batch = this.#outgoing;
        this.#outgoing = [];
        if (batch.length) this.#worker.postMessage(batch);
      });
    });
  }

  /** Aborts the requests in flight (they answer "the emulator closed") and stops the thread. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.postMessage('close');
    this.#failAll('the emulator closed');
    void this.#worker.terminate();
  }

  #failAll(error: string): void {
    for (const resolve of this.#waiting.values()) resolve({ error });
    this.#waiting.clear();
  }
}
