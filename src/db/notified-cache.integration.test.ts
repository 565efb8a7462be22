import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/context.ts';
import { call, createOrg } from '../../test/support/factories.ts';
import { loadConfig } from '../config/config.ts';
import { createContainer } from '../container.ts';
import { resolveApiKey, revokeApiKey } from '../modules/identity/api-keys.service.ts';
import { createLogger } from '../shared/logger.ts';
import { NotifiedCache } from './notified-cache.ts';

describe('NotifiedCache', () => {
  it('serves hits, and never stores a value loaded while an invalidation happened', async () => {
    const cache = new NotifiedCache<string>(Promise.resolve(true), { ttlMs: 60_000, maxEntries: 2 });
    let loads = 0;
    expect(await cache.get('a', async () => `v${++loads}`)).toBe('v1');
    expect(await cache.get('a', async () => `v${++loads}`)).toBe('v1');

    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    cache.forget('a');
    const racing = cache.get('a', async () => {
      await gate;
      return 'stale';
    });
    cache.forget('a'); // the write commits while the read is in flight
    release();
    expect(await racing).toBe('stale');
    expect(await cache.get('a', async () => 'fresh')).toBe('fresh');
  });

  it('caches nothing when the process could not listen for invalidations', async () => {
    const cache = new NotifiedCache<string>(Promise.resolve(false), { ttlMs: 60_000, maxEntries: 10 });
    let loads = 0;
    await cache.get('a', async () => `v${++loads}`);
    await cache.get('a', async () => `v${++loads}`);
    expect(loads).toBe(2);
  });

  it('keeps at most maxEntries', async () => {
    const cache = new NotifiedCache<string>(Promise.resolve(true), { ttlMs: 60_000, maxEntries: 2 });
    let loads = 0;
    for (const k of ['a', 'b', 'c', 'a']) await cache.get(k, async () => `${k}${++loads}`);
    expect(loads).toBe(4); // 'a' was evicted by 'c'
  });
});

describe('API key cache', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('a revoked key is refused on the very next request', async () => {
    const org = await createOrg(ctx);
    for (let i = 0; i < 3; i++) expect((await call(ctx, { apiKey: org.apiKey }, 'GET', '/api/v1/me')).statusCode).toBe(200);
    const principal = await resolveApiKey(ctx.container, org.apiKey);
    expect(principal?.kind).toBe('apiKey');
    if (principal?.kind !== 'apiKey') return;
    await revokeApiKey(ctx.container.database.db, org.organizationId, principal.apiKeyId, { principal: org.principal });
    expect((await call(ctx, { apiKey: org.apiKey }, 'GET', '/api/v1/me')).statusCode).toBe(401);
  });

  it('a revocation in another process reaches this one (PostgreSQL)', async ({ skip }) => {
    if (!ctx.databaseUrl) return skip();
    const org = await createOrg(ctx);
    // A second container on the same database stands for another api process.
    const other = await createContainer(
      loadConfig({ CHARLA_DATA_DIR: ctx.dataDir, CHARLA_SECRET_KEY: 'test-master-key-0123456789abcdef0123456789', DATABASE_URL: ctx.databaseUrl }),
      { logger: createLogger('silent'), migrate: false },
    );
    try {
      const principal = await resolveApiKey(other, org.apiKey);
      expect(await resolveApiKey(other, org.apiKey)).toEqual(principal); // now cached over there
      if (principal?.kind !== 'apiKey') throw new Error('expected an API key principal');
      await revokeApiKey(ctx.container.database.db, org.organizationId, principal.apiKeyId, { principal: org.principal });
      const deadline = Date.now() + 2_000;
      let seen = principal as Awaited<ReturnType<typeof resolveApiKey>>;
      while (seen && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
        seen = await resolveApiKey(other, org.apiKey);
      }
      expect(seen).toBeNull();
    } finally {
      await other.close();
    }
  });
});
