import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBlockedAddress } from './address-policy.ts';
import { createSafeFetch, OutboundHttpError, readBody, safeFetch } from './safe-fetch.ts';

let server: http.Server;
let base: string;
const seen: { path: string; authorization?: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/hello') return res.end('hello');
    if (url.pathname === '/redirect') return res.writeHead(302, { location: url.searchParams.get('to') ?? '/hello' }).end();
    if (url.pathname === '/loop') return res.writeHead(301, { location: '/loop' }).end();
    if (url.pathname === '/big') return res.end(Buffer.alloc(64 * 1024, 97));
    if (url.pathname === '/gzip-bomb') {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      return res.end(zlib.gzipSync(Buffer.alloc(5 * 1024 * 1024)));
    }
    if (url.pathname === '/slow') return setTimeout(() => res.end('late'), 2_000);
    if (url.pathname === '/echo') {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => res.end(JSON.stringify({ method: req.method, body: Buffer.concat(chunks).toString() })));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const local = { allowPrivateNetwork: true };
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    const res = await p;
    if (res instanceof Response) await res.arrayBuffer();
  } catch (err) {
    if (err instanceof OutboundHttpError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('isBlockedAddress', () => {
  it.each([
    '127.0.0.1', '10.1.2.3', '172.16.0.9', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1',
    '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe', '2002:7f00:1::1',
  ])('blocks %s', (ip) => expect(isBlockedAddress(ip)).toBe(true));
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (ip) => expect(isBlockedAddress(ip)).toBe(false));
});

describe('safeFetch', () => {
  it('fetches from allowed addresses', async () => {
    const res = await safeFetch(`${base}/hello`, {}, local);
    expect(res.status).toBe(200);
    expect((await readBody(res)).toString()).toBe('hello');
  });

  it('refuses private, loopback and metadata addresses by default', async () => {
    expect(await refusal(safeFetch(`${base}/hello`))).toBe('blocked_address');
    expect(await refusal(safeFetch('http://169.254.169.254/latest/meta-data/'))).toBe('blocked_address');
    expect(await refusal(safeFetch('http://[::1]/'))).toBe('blocked_address');
    expect(await refusal(safeFetch('http://[::ffff:10.0.0.1]/'))).toBe('blocked_address');
  });

  it('refuses a public-looking name that resolves to a private address (checked address is the one connected to)', async () => {
    const lookup = async () => [{ address: '127.0.0.1', family: 4 }];
    expect(await refusal(safeFetch('http://shop.example.test/hello', {}, { lookup }))).toBe('blocked_address');
    const mixed = async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }];
    expect(await refusal(safeFetch('http://shop.example.test/hello', {}, { lookup: mixed }))).toBe('blocked_address');
  });

  it('checks every redirect hop again', async () => {
    // A policy under which this test server counts as public but the metadata address does not.
    const isBlocked = (ip: string) => ip.startsWith('169.254.') || ip.startsWith('10.');
    expect(await (await safeFetch(`${base}/hello`, {}, { isBlocked })).text()).toBe('hello');
    seen.length = 0;
    expect(await refusal(safeFetch(`${base}/redirect?to=http://169.254.169.254/latest/meta-data/`, {}, { isBlocked }))).toBe('blocked_address');
    const lookup = async () => [{ address: '10.0.0.7', family: 4 }];
    expect(await refusal(safeFetch(`${base}/redirect?to=http://intranet.example.test/`, {}, { isBlocked, lookup }))).toBe('blocked_address');
    expect(seen.map((s) => s.path)).toEqual(['/redirect?to=http://169.254.169.254/latest/meta-data/', '/redirect?to=http://intranet.example.test/']);
    const port = new URL(base).port;
    const followed = await safeFetch(`${base}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${port}/hello`)}`, {}, local);
    expect(await followed.text()).toBe('hello');
    expect(followed.url).toBe(`http://127.0.0.1:${port}/hello`);
  });

  it('stops after 5 redirects and drops credentials across origins', async () => {
    expect(await refusal(safeFetch(`${base}/loop`, {}, local))).toBe('too_many_redirects');
    const other = `http://localhost:${new URL(base).port}/hello`;
    seen.length = 0;
    await (await safeFetch(`${base}/redirect?to=${encodeURIComponent(other)}`, { headers: { authorization: 'Bearer s3cret' } }, { ...local, lookup: async () => [{ address: '127.0.0.1', family: 4 }] })).text();
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer s3cret', undefined]);
  });

  it('caps the body size, after decompression', async () => {
    expect(await refusal(safeFetch(`${base}/big`, {}, { ...local, maxResponseBytes: 1024 }))).toBe('too_large');
    expect(await refusal(safeFetch(`${base}/gzip-bomb`, {}, { ...local, maxResponseBytes: 1024 * 1024 }))).toBe('too_large');
  });

  it('times out', async () => {
    expect(await refusal(safeFetch(`${base}/slow`, {}, { ...local, timeoutMs: 200 }))).toBe('timeout');
  });

  it('refuses other protocols and credentials in URLs', async () => {
    expect(await refusal(safeFetch('file:///etc/passwd'))).toBe('unsupported_protocol');
    expect(await refusal(safeFetch('ftp://example.com/'))).toBe('unsupported_protocol');
    expect(await refusal(safeFetch('http://user:pw@example.com/'))).toBe('invalid_url');
    expect(await refusal(safeFetch('not a url'))).toBe('invalid_url');
  });

  it('works as a fetch implementation (method, body, Request objects)', async () => {
    const f = createSafeFetch(local);
    const res = await f(new Request(`${base}/echo`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } }));
    expect(await res.json()).toEqual({ method: 'POST', body: '{"a":1}' });
  });
});
