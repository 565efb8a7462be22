import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightHttp, lightFetch, lightRequest } from './light-fetch.ts';

/** A real local HTTP server with the shapes of answer a model provider may give. */
let server: http.Server;
let base: string;
let connections = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(307, { location: '/echo' });
      res.end();
      return;
    }
    if (req.url === '/hang') return; // never answers
    if (req.url === '/slow') {
      setTimeout(() => res.end('slow'), 100);
      return;
    }
    if (req.url === '/cut') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setImmediate(() => req.socket.destroy());
      return;
    }
    if (req.url === '/empty') {
      res.writeHead(204);
      res.end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
    });
    req.on('end', () => {
      res.writeHead(req.url === '/error' ? 429 : 200, { 'content-type': 'application/json', 'x-request-id': 'r1' });
      res.end(JSON.stringify({ method: req.method, url: req.url, body, contentType: req.headers['content-type'], length: req.headers['content-length'], agent: req.headers['user-agent'] }));
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('lightFetch', () => {
  it('posts a JSON string and returns the whole response, reusing the connection', async () => {
    const before = connections;
    for (let i = 0; i < 6; i++) {
      const res = await lightFetch(`${base}/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'User-Agent': 'ai-sdk/test' }, body: '{"q":"¿envío?"}' });
      expect(res.status).toBe(200);
      expect(res.ok).toBe(true);
      expect(res.headers.get('x-request-id')).toBe('r1');
      expect(await res.json()).toEqual({ method: 'POST', url: '/echo', body: '{"q":"¿envío?"}', contentType: 'application/json', length: String(Buffer.byteLength('{"q":"¿envío?"}')), agent: 'ai-sdk/test' });
    }
    // Not a connection per request (the pool may open a second one while the first finishes its answer).
    expect(connections - before).toBeLessThanOrEqual(2);
  });

  it('returns error statuses as responses, and null bodies where the status has none', async () => {
    const failed = await lightFetch(`${base}/error`, { method: 'POST', body: '{}' });
    expect(failed.status).toBe(429);
    expect(failed.ok).toBe(false);
    expect(failed.statusText).toBe('Too Many Requests');
    expect(await failed.json()).toMatchObject({ url: '/error' });
    const empty = await lightFetch(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it('follows redirects through the global fetch', async () => {
    const res = await lightFetch(`${base}/redirect`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ url: '/echo', body: 'x' });
  });

  it('fails like fetch: TypeError "fetch failed" with the cause for network errors, the reason for an abort', async () => {
    await expect(lightFetch('http://127.0.0.1:1/v1/chat/completions', { method: 'POST', body: '{}' })).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
    await expect(lightFetch(`${base}/cut`)).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    const controller = new AbortController();
    const pending = lightFetch(`${base}/hang`, { method: 'POST', body: '{}', signal: controller.signal });
    controller.abort(new DOMException('stop', 'AbortError'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(lightFetch(`${base}/echo`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('lightRequest', () => {
  it('returns the status, lower-case headers and the whole body, without following redirects', async () => {
    const res = await lightRequest(`${base}/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":"ñ"}' });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('r1');
    expect(JSON.parse(res.body.toString('utf8'))).toMatchObject({ method: 'POST', body: '{"a":"ñ"}', contentType: 'application/json', length: String(Buffer.byteLength('{"a":"ñ"}')) });
    const redirect = await lightRequest(`${base}/redirect`, { method: 'POST', body: 'x' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.location).toBe('/echo');
  });

  it('fails like fetch on network errors and aborts', async () => {
    await expect(lightRequest('http://127.0.0.1:1/x', { method: 'POST', body: '{}' })).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
    const controller = new AbortController();
    const pending = lightRequest(`${base}/hang`, { signal: controller.signal });
    controller.abort(new DOMException('stop', 'TimeoutError'));
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('keeps a pool to its connection limit: requests beyond it wait for a free connection', async () => {
    const limited = createLightHttp({ maxSockets: 2 });
    const before = connections;
    const answers = await Promise.all(Array.from({ length: 6 }, () => limited.request(`${base}/slow`)));
    expect(answers.map((a) => a.body.toString())).toEqual(Array(6).fill('slow'));
    expect(connections - before).toBe(2);
  });
});
