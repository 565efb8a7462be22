import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { createOrg, type TestOrg } from '../../test/support/factories.ts';
import { createLogger, logRequestCompleted } from '../shared/logger.ts';
import type { App } from './app-types.ts';
import { buildApp } from './app.ts';
import { requestLoggerFactory } from './request-logger.ts';

let ctx: TestContext;
let org: TestOrg;
let app: App;
let sessionCookie: string;
const written: string[] = [];
const lines = () => written.map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { name: 'Logs' });
  sessionCookie = (org.owner as { cookie: string }).cookie;
  // The real app on the same container, with a logger that keeps what it writes.
  const logger = createLogger('info', {}, { write: (line: string) => void written.push(line) });
  app = await buildApp({ ...ctx.container, logger }, { serveWeb: false });
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

describe('request logs', () => {
  it('write one line per request with its id, and never the credentials', async () => {
    written.length = 0;
    const ok = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${org.apiKey}`, 'x-request-id': 'log-trace-1' } });
    expect(ok.statusCode).toBe(200);
    const denied = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: sessionCookie.replace(/=.*/, '=forged'), 'x-request-id': 'log-trace-2' } });
    expect(denied.statusCode).toBe(401);
    const generated = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: sessionCookie } });
    expect(generated.statusCode).toBe(200);

    const completed = lines().filter((l) => l.msg === 'request completed');
    expect(completed).toHaveLength(3);
    expect(completed[0]).toMatchObject({ level: 30, service: 'charla', reqId: 'log-trace-1', method: 'GET', url: '/api/v1/me', statusCode: 200 });
    expect(completed[1]).toMatchObject({ reqId: 'log-trace-2', statusCode: 401 });
    expect(completed[2]!.reqId).toBe(generated.headers['x-request-id']);
    expect(typeof completed[0]!.responseTime).toBe('number');
    const all = written.join('');
    expect(all).not.toContain(org.apiKey);
    expect(all).not.toContain(sessionCookie.split('=')[1]);
  });

  it('write the request line exactly as pino would', () => {
    written.length = 0;
    const log = createLogger('info', { role: 'web' }, { write: (line: string) => void written.push(line) }).child({ worker: 2 });
    logRequestCompleted(log, 'id-1', 'GET', '/api/v1/contacts?q="quoted" \\ ñ', 200, 1.25);
    log.info({ reqId: 'id-1', method: 'GET', url: '/api/v1/contacts?q="quoted" \\ ñ', statusCode: 200, responseTime: 1.25 }, 'request completed');
    const [fast, pinos] = written.map((l) => l.replace(/"time":"[^"]+"/, '"time":"T"'));
    expect(fast).toBe(pinos);
    logRequestCompleted(createLogger('warn', {}, { write: (line: string) => void written.push(line) }), 'id-2', 'GET', '/', 200, 1);
    expect(written).toHaveLength(2);
  });

  it('give lines written during a request (through req.log) its id', () => {
    written.length = 0;
    const log = createLogger('info', {}, { write: (line: string) => void written.push(line) });
    const reqLog = requestLoggerFactory(log, { reqId: 'inner-1' }, {});
    reqLog.debug('not at this level');
    reqLog.warn({ step: 'x' }, 'slow upstream');
    reqLog.child({ part: 'y' }).error('failed');
    expect(lines()).toEqual([
      expect.objectContaining({ level: 40, reqId: 'inner-1', step: 'x', msg: 'slow upstream' }),
      expect.objectContaining({ level: 50, reqId: 'inner-1', part: 'y', msg: 'failed' }),
    ]);
    expect(requestLoggerFactory(log, { reqId: 'quiet' }, { level: 'error' }).level).toBe('error');
  });

  it('redact secrets in logged objects, child bindings and interpolated values', () => {
    written.length = 0;
    const log = createLogger('info', {}, { write: (line: string) => void written.push(line) });
    log.info({ req: { headers: { authorization: 'Bearer s1', cookie: 'c=s2', host: 'h' } }, res: { headers: { 'set-cookie': 's3' } } }, 'headers');
    log.info({ body: { password: 's4', name: 'kept' }, channel: { accessToken: 's5', appSecret: 's6' }, key: { apiKey: 's7' }, invite: { token: 's8' } }, 'nested');
    log.error({ err: Object.assign(new Error('boom'), { password: 's9' }) }, 'failed');
    log.child({ reqId: 'r', session: { token: 's10' } }).warn({ a: 1 }, 'child');
    log.info('interpolated %o', { user: { password: 's11' } });
    const all = written.join('');
    for (let i = 1; i <= 11; i++) expect(all).not.toContain(`"s${i}"`);
    expect(all).toContain('kept');
    const [headers, nested, failed, child] = lines();
    expect(headers).toMatchObject({ req: { headers: { authorization: '[redacted]', cookie: '[redacted]', host: 'h' } }, res: { headers: { 'set-cookie': '[redacted]' } } });
    expect(nested).toMatchObject({ body: { password: '[redacted]', name: 'kept' }, channel: { accessToken: '[redacted]' } });
    expect(failed).toMatchObject({ err: { message: 'boom', password: '[redacted]' } });
    expect(child).toMatchObject({ reqId: 'r', session: { token: '[redacted]' }, a: 1 });
  });
});
