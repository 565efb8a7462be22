import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from '../shared/logger.ts';

type Args = [unknown, ...unknown[]];

/**
 * A request's logger (`req.log`, `reply.log`): the server's logger with the request id bound. The pino
 * child logger behind it is created when a line is first written through it — for most requests
 * never: the request log line is written by the parent with the id in front (see `direct`), the same
 * JSON without building a child logger for every request (bench/foundation.bench.ts).
 */
export class RequestLogger {
  #child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Record<string, unknown>,
    private readonly options: { level?: string },
  ) {}

  /**
   * The parent logger while no child exists and the route keeps the parent's level: a line written
   * there with the bindings first (`{ reqId, … }`) is the line the child would write.
   */
  get direct(): Logger | undefined {
    return this.#child === undefined && this.options.level === undefined ? this.parent : undefined;
  }

  get #logger(): Logger {
    this.#child ??= this.parent.child(this.bindings, this.options);
    return this.#child;
  }

  get level(): string {
    return this.#child?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.#logger.level = level;
  }

  fatal(...args: Args) {
    (this.#logger.fatal as (...a: Args) => void)(...args);
  }
  error(...args: Args) {
    (this.#logger.error as (...a: Args) => void)(...args);
  }
  warn(...args: Args) {
    (this.#logger.warn as (...a: Args) => void)(...args);
  }
  info(...args: Args) {
    (this.#logger.info as (...a: Args) => void)(...args);
  }
  debug(...args: Args) {
    (this.#logger.debug as (...a: Args) => void)(...args);
  }
  trace(...args: Args) {
    (this.#logger.trace as (...a: Args) => void)(...args);
  }
  silent() {}

  isLevelEnabled(level: string): boolean {
    return this.#logger.isLevelEnabled(level);
  }

  child(bindings: Record<string, unknown>, options?: object) {
    return this.#logger.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: a `RequestLogger` per request. */
export const requestLoggerFactory = (logger: FastifyBaseLogger, bindings: Record<string, unknown>, options: { level?: string }): FastifyBaseLogger =>
  new RequestLogger(logger as unknown as Logger, bindings, options) as unknown as FastifyBaseLogger;
