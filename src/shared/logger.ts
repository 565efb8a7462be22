import fs from 'node:fs';
import { pino, type DestinationStream, type Logger } from 'pino';

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
/** A buffered logger writes once it holds this many characters. */
const BATCH_CHARS = 4096;

/**
 * Where a logger writes: stdout (or `dest`, a file path — the benchmarks use /dev/null), synchronously
 * by default. `buffered` (the server) collects lines and hands them to an asynchronous writer ~4 KB at
 * a time, or every 100 ms, instead of one write per line: a request log line costs several µs less of
 * CPU (bench/foundation.bench.ts). Lines are joined here, not in the writer: pino's writer re-measures
 * its whole pending buffer on every line, which costs more than the line itself under load. Lines
 * still pending when the process exits are written at exit; a hard kill loses at most the last 100 ms.
 */
export function logDestination(options: { buffered?: boolean; dest?: number | string } = {}): DestinationStream {
  const dest = options.dest ?? 1;
  if (!options.buffered) return pino.destination({ dest, sync: true });
  // The writer itself writes whatever it is given at once (minLength 0): the batching is done here.
  const stream = pino.destination({ dest, sync: false, minLength: 0 });
  const state = stream as unknown as { destroyed?: boolean; fd?: number };
  let lines: string[] = [];
  let chars = 0;
  const writePending = () => {
    if (chars === 0) return;
    const chunk = lines.join('');
    lines = [];
    chars = 0;
    if (!state.destroyed) stream.write(chunk);
    else if (typeof state.fd === 'number' && state.fd >= 0) {
      // At exit, after pino closed its writer: straight to the file descriptor, when still open.
      try {
        fs.writeSync(state.fd, chunk);
      } catch {}
    }
  };
  setInterval(writePending, FLUSH_INTERVAL_MS).unref();
  process.once('beforeExit', writePending);
  process.once('exit', () => {
    writePending();
    try {
      if (!state.destroyed) stream.flushSync();
    } catch {}
  });
  return {
    write(line: string) {
      lines.push(line);
      chars += line.length;
      if (chars >= BATCH_CHARS) writePending();
    },
    flush(cb?: (err?: Error) => void) {
      writePending();
      if (state.destroyed) cb?.();
      else stream.flush(cb);
    },
    flushSync() {
      writePending();
      if (!state.destroyed) stream.flushSync();
    },
  } as DestinationStream;
}

const CENSOR = '[redacted]';
/** Keys whose values never reach the logs, wherever they sit in a log line's object (top level or one level down). */
const SECRET_KEYS = ['password', 'accessToken', 'appSecret', 'apiKey', 'token'] as const;
const SECRET_KEY_SET = new Set<string>(SECRET_KEYS);
/** HTTP headers censored under `req.headers` / `res.headers`. */
const SECRET_HEADERS: Record<string, readonly string[]> = { req: ['authorization', 'cookie'], res: ['set-cookie'] };

/** A copy of `value` (same prototype and own properties, e.g. an Error's message and stack) with `keys` censored. */
function censored<T extends object>(value: T, keys: readonly string[]): T {
  const copy = Object.create(Object.getPrototypeOf(value), Object.getOwnPropertyDescriptors(value)) as Record<string, unknown>;
  for (const key of keys) Object.defineProperty(copy, key, { value: CENSOR, enumerable: true, writable: true, configurable: true });
  return copy as T;
}

/** The value at `key` of a log object, with secrets censored (the same value when there is none). */
function redactEntry(key: string, value: unknown): unknown {
  if (SECRET_KEY_SET.has(key)) return CENSOR;
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  let secrets: string[] | undefined;
  for (const k of SECRET_KEYS) {
    if (obj[k] === undefined) continue;
    secrets ??= [];
    secrets.push(k);
  }
  let result = secrets ? censored(obj, secrets) : obj;
  const headerNames = SECRET_HEADERS[key];
  const headers = headerNames && obj.headers;
  if (headers && typeof headers === 'object') {
    const found = headerNames.filter((h) => (headers as Record<string, unknown>)[h] !== undefined);
    if (found.length) {
      if (result === obj) result = censored(obj, []);
      result.headers = censored(headers, found);
    }
  }
  return result;
}

/**
 * Redaction of one log line's object (or a child logger's bindings): `*.password`, `*.accessToken`,
 * `*.appSecret`, `*.apiKey`, `*.token` (and the same keys at the top level), `req.headers.authorization`,
 * `req.headers.cookie` and `res.headers["set-cookie"]` become "[redacted]". The object is copied only
 * when something is censored; a line of plain values (a request log line) costs one pass over its keys.
 * (pino's own `redact` runs its redactor on every value of every line once a path starts with `*`.)
 */
export function redactLogObject<T extends object>(obj: T): T {
  let out: Record<string, unknown> | undefined;
  for (const key in obj) {
    if (!Object.hasOwn(obj, key)) continue;
    const value = (obj as Record<string, unknown>)[key];
    const redacted = redactEntry(key, value);
    if (redacted !== value) {
      out ??= (obj instanceof Error ? censored(obj, []) : { ...obj }) as Record<string, unknown>;
      out[key] = redacted;
    }
  }
  return (out ?? obj) as T;
}

/** JSON logs on stdout; secrets never reach them (see `redactLogObject`). */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination = logDestination()): Logger {
  const logger = pino(
    {
      level,
      base: { service: 'charla', ...base },
      timestamp: isoTime,
      formatters: { log: redactLogObject, bindings: redactLogObject },
      hooks: {
        // Objects interpolated into the message (`log.info('… %o', obj)`) are redacted too.
        logMethod(args, method) {
          const first = typeof args[0] === 'string' ? 1 : 2;
          for (let i = first; i < args.length; i++) {
            const arg = args[i];
            if (arg !== null && typeof arg === 'object') args[i] = redactLogObject(arg);
          }
          return method.apply(this, args as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
  // Child loggers' bindings are redacted like log lines (pino applies `formatters.bindings` to the
  // root's base only). Children inherit these from the root. An empty options object (Fastify passes
  // one for every request's child logger) is dropped: pino takes a much shorter path without it.
  const { child, setBindings } = logger;
  logger.child = function (this: Logger, bindings, options) {
    let hasOptions = false;
    for (const _ in options) {
      hasOptions = true;
      break;
    }
    const created = child.call(this, redactLogObject(bindings), hasOptions ? options : undefined);
    ours.add(created as unknown as Logger);
    return created;
  } as typeof child;
  logger.setBindings = function (this: Logger, bindings) {
    setBindings.call(this, redactLogObject(bindings));
  };
  ours.add(logger);
  return logger;
}

/** Loggers made by `createLogger` (and their children): their line format is known here. */
const ours = new WeakSet<Logger>();
const S = pino.symbols as typeof pino.symbols & { msgPrefixSym: symbol };

/**
 * Writes a request's log line at level info: exactly the line of
 * `logger.info({ reqId, method, url, statusCode, responseTime }, 'request completed')` — the busiest
 * line of a server, assembled here from pino's own pieces (level prefix, timestamp, bindings) without
 * pino's generic pass over the object (its values are a request id, a method, a URL and two numbers,
 * none of them a redacted key). Loggers not made by `createLogger` get the `logger.info` call.
 */
export function logRequestCompleted(logger: Logger, reqId: string, method: string, url: string, statusCode: number, responseTime: number): void {
  if (!logger.isLevelEnabled('info')) return;
  const l = logger as unknown as Record<symbol, unknown>;
  const stream = l[S.streamSym] as DestinationStream & Record<symbol, unknown>;
  if (!ours.has(logger) || l[S.mixinSym] || stream[S.needsMetadataGsym] || l[S.msgPrefixSym]) {
    logger.info({ reqId, method, url, statusCode, responseTime }, 'request completed');
    return;
  }
  const level = (l[S.lsCacheSym] as Record<number, string>)[30];
  const time = (l[S.timeSym] as () => string)();
  stream.write(
    `${level}${time}${l[S.chindingsSym] as string},"reqId":${JSON.stringify(reqId)},"method":${JSON.stringify(method)},"url":${JSON.stringify(url)},` +
      `"statusCode":${statusCode},"responseTime":${responseTime},"msg":"request completed"${l[S.endSym] as string}`,
  );
}
