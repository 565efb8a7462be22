import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; secrets never reach them thanks to the redaction paths. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'charla', ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
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
  });
}
