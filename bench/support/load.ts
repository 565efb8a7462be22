import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/** Figures of one load run. */
export interface LoadResult {
  /** Mean requests per second over the run. */
  rps: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  /** Responses that were not 2xx, and connection errors/timeouts: a valid run has none. */
  non2xx: number;
  errors: number;
  total: number;
}

/** Options of a load run against a URL on this machine. */
export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections?: number;
  durationSeconds: number;
  /**
   * POST these bodies, one after another across all connections (each with its own headers, e.g. a
   * signature): a JSON file of `[{ body, headers }]`, read by the load generator itself.
   */
  postBodiesFile?: string;
}

// Plain CommonJS run in a child process: the load generator gets its own event loop and core, so it
// does not steal the server's (which runs in the suite's process). Not a worker thread: autocannon
// switches to its internal worker protocol when it is not on the main thread.
const CHILD_SOURCE = `
const input = JSON.parse(process.argv[1]);
let requests;
if (input.postBodiesFile) {
  const bodies = JSON.parse(require('node:fs').readFileSync(input.postBodiesFile, 'utf8'));
  let next = 0;
  requests = [{ method: 'POST', setupRequest: (req) => {
    const b = bodies[next++ % bodies.length];
    return { ...req, method: 'POST', body: b.body, headers: { ...req.headers, ...b.headers } };
  } }];
}
require(input.autocannonPath)({
  url: input.url, headers: input.headers, connections: input.connections, duration: input.durationSeconds, requests,
}, (err, r) => {
  if (err) { process.stdout.write(JSON.stringify({ error: String((err && err.stack) || err) })); return; }
  process.stdout.write(JSON.stringify({
    rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99,
    non2xx: r.non2xx, errors: r.errors + r.timeouts, total: r.requests.total,
  }));
});
`;

/** Runs autocannon (in a child process) against `url` for a fixed duration and returns its figures. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const input = {
    autocannonPath: createRequire(import.meta.url).resolve('autocannon'),
    url: options.url,
    headers: options.headers ?? {},
    connections: options.connections ?? 50,
    durationSeconds: options.durationSeconds,
    postBodiesFile: options.postBodiesFile,
  };
  return runChildScript<LoadResult>(CHILD_SOURCE, input, 'load generator');
}

/**
 * Runs a CommonJS `source` in a child Node process with `input` as its JSON argument and returns what it
 * printed as JSON: its result, or `{ error }`, which is thrown. The child gets its own event loop and core.
 */
export async function runChildScript<T>(source: string, input: unknown, label: string): Promise<T> {
  const child = spawn(process.execPath, ['-e', source, JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  let message: T | { error: string };
  try {
    message = JSON.parse(stdout) as T | { error: string };
  } catch {
    throw new Error(`${label} exited with code ${code}: ${stderr.trim().slice(-500)}`);
  }
  if (message && typeof message === 'object' && 'error' in message) throw new Error(String(message.error));
  return message as T;
}

/** True when the benchmarks should run briefly (BENCH_QUICK=1): smoke-testing the harness, not measuring. */
export const QUICK = process.env.BENCH_QUICK === '1';

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds to `digits` decimals. */
export const round = (value: number, digits = 0): number => Math.round(value * 10 ** digits) / 10 ** digits;
