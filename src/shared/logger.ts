import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * pino's ISO timestamp, formatted once per millisecond instead of once per line (a busy server writes
 * many lines per millisecond; formatting a date is a visible part of a request log line's cost).
 */
let lastMs = -1;
let lastTime = '';
function isoTime(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

/** How often a buffered logger writes what it holds, at the latest. */
const FLUSH_INTERVAL_MS = 100;

/**
 * Where a logger writes: stdout (or `dest`, a file path — the benchmarks use /dev/null), synchronously
 * by default. `buffered` (the server) collects lines and writes them 4 KB at a time, or every 100 ms,
 * instead of one write per line: a request log line costs ~8 µs less of CPU (bench/foundation.bench.ts).
 * Lines still pending when the process exits are written at exit; a hard kill loses at most the last
 * 100 ms.
 */
export function logDestination(options: { buffered?: boolean; dest?: number | string } = {}) {
  const dest = options.dest ?? 1;
  if (!options.buffered) return pino.destination({ dest, sync: true });
  const stream = pino.destination({ dest, sync: false, minLength: 4096 });
  setInterval(() => {
    // Only when lines are waiting (an empty flush would still make a write).
    const state = stream as unknown as { destroyed?: boolean; _len?: number };
    if (!state.destroyed && state._len !== 0) stream.flush();
  }, FLUSH_INTERVAL_MS).unref();
  return stream;
}

/** JSON logs on stdout; secrets never reach them thanks to the redaction paths. */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination = logDestination()): Logger {
  return pino({
    level,
    base: { service: 'charla', ...base },
    timestamp: isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.accessToken',
        '*.appSecret',
        '*.apiKey',
        '*.token',
      ],
      censor: '[redacted]',
    },
  }, destination);
}
