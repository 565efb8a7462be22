import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/context.ts';
import { createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import type { LookupFn } from '../../../adapters/outbound-http/safe-fetch.ts';
import { executeTool } from '../index.ts';
import { type FakeApi, startFakeApi } from './fake-api.ts';
import { createIntegrationVia, createToolVia } from './helpers.ts';

let ctx: TestContext;
let org: TestOrg;
let api: FakeApi;

// A resolver that says every *.example name lives on this machine, as a rebinding attacker's DNS would.
const lookup: LookupFn = async (host) => {
  if (host.endsWith('.example')) return [{ address: '127.0.0.1', family: 4 }];
  throw new Error(`unexpected lookup of ${host}`);
};

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx);
  api = await startFakeApi();
});
afterAll(async () => {
  await api?.close();
  await ctx?.close();
});

async function runUrl(url: string, integration: Record<string, unknown> = {}, deps: Partial<typeof ctx.container> = {}) {
  const integrationId = await createIntegrationVia(ctx, org, { name: `SSRF ${url}`, ...integration });
  const toolId = await createToolVia(ctx, org, integrationId, { name: `t_${Math.random().toString(36).slice(2, 10)}`, request: { url }, retries: 0, timeoutMs: 2000 });
  return executeTool({ ...ctx.container, outboundFetch: { lookup }, ...deps }, { organizationId: org.organizationId, toolId, args: {}, source: 'assistant' });
}

describe('the SSRF guard on tool calls (on by default)', () => {
  it('refuses loopback, link-local/metadata, IPv6 loopback and private addresses', async () => {
    for (const url of [`${api.url}/x`, 'http://169.254.169.254/latest/meta-data/', `http://[::1]:${api.port}/x`, 'http://10.1.2.3/x', 'http://192.168.1.1/x', 'http://[::ffff:127.0.0.1]/x', 'http://0x7f000001/x']) {
      const r = await runUrl(url);
      expect(r, url).toMatchObject({ status: 'error', error: { code: 'blocked_address' } });
    }
    expect(api.requests).toHaveLength(0);
  });

  it('refuses a host name that resolves to a private address', async () => {
    const r = await runUrl(`http://shop.example:${api.port}/x`);
    expect(r).toMatchObject({ status: 'error', error: { code: 'blocked_address' } });
    expect(api.requests).toHaveLength(0);
  });

  it('checks every redirect hop, even from an allowlisted host', async () => {
    api.handle((req) => (req.url === '/to-metadata' ? { status: 302, headers: { location: 'http://169.254.169.254/latest/' } } : { status: 307, headers: { location: 'http://10.0.0.7/internal' } }));
    for (const path of ['/to-metadata', '/to-private']) {
      const r = await runUrl(`${api.url}${path}`, { allowedPrivateHosts: ['127.0.0.1'] });
      expect(r, path).toMatchObject({ status: 'error', error: { code: 'blocked_address' } });
    }
    expect(api.requests.map((r) => r.url)).toEqual(['/to-metadata', '/to-private']);
  });

  it('lets an integration reach the private hosts it allowlists, by address or by name', async () => {
    api.handle(() => ({ body: { ok: true } }));
    expect((await runUrl(`${api.url}/by-ip`, { allowedPrivateHosts: ['127.0.0.1'] })).status).toBe('ok');
    expect((await runUrl(`http://shop.example:${api.port}/by-name`, { allowedPrivateHosts: ['shop.example'] })).status).toBe('ok');
    expect((await runUrl(`${api.url}/by-cidr`, { allowedPrivateHosts: ['127.0.0.0/8'] })).status).toBe('ok');
    // Another private host is still refused.
    expect((await runUrl('http://10.1.2.3/x', { allowedPrivateHosts: ['127.0.0.1'] })).error?.code).toBe('blocked_address');
  });

  it('CHARLA_ALLOW_PRIVATE_NETWORK opens private networks for the whole installation', async () => {
    api.handle(() => ({ body: { ok: true } }));
    const r = await runUrl(`${api.url}/operator-allowed`, {}, { config: { ...ctx.container.config, allowPrivateNetwork: true } });
    expect(r.status).toBe('ok');
  });
});
