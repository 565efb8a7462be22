import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/context.ts';
import { type Caller, createOrg, type TestOrg } from '../support/factories.ts';
import { type RawBody, RESOURCES, type WriteMethod } from './resources.ts';

/**
 * Every operation of the OpenAPI document that takes an id, called by organization A with
 * organization B's ids, must answer 404 (or 403) and leave B's object as it was; every list, read by
 * A, must not contain B's ids. Resources are created through the registry in ./resources.ts, which
 * must cover every path with parameters.
 */
type Method = 'GET' | WriteMethod;
interface Operation {
  method: Method;
  path: string;
  params: string[];
  json: boolean;
  public: boolean;
}

// The document is read at collection time so that each operation becomes its own test.
const ctx: TestContext = await createTestContext({ CHARLA_API_RATE_LIMIT: '1000000', CHARLA_LOGIN_RATE_LIMIT: '1000000' });
const doc = ctx.app.swagger() as {
  paths: Record<string, Record<string, { security?: unknown[]; responses?: Record<string, { content?: Record<string, unknown> }> }>>;
};
const operations: Operation[] = Object.entries(doc.paths)
  .filter(([path]) => path.startsWith('/api/'))
  .flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase() as Method,
      path,
      params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
      json: Object.values(op.responses ?? {}).some((r) => Object.keys(r.content ?? {}).some((t) => t.includes('json'))),
      public: Array.isArray(op.security) && op.security.length === 0,
    })),
  );
const withParams = operations.filter((o) => o.params.length > 0);
const lists = operations.filter((o) => o.method === 'GET' && o.params.length === 0 && o.json);

let a: TestOrg;
let b: TestOrg;
/** B's objects, by registry path. */
const bParams = new Map<string, Record<string, string>>();
/** A's objects (so A's lists are not trivially empty). */
const aParams = new Map<string, Record<string, string>>();

beforeAll(async () => {
  a = await createOrg(ctx, { name: 'Org A' });
  b = await createOrg(ctx, { name: 'Org B' });
  for (const [path, entry] of Object.entries(RESOURCES)) {
    bParams.set(path, await entry.create({ ctx }, b));
    aParams.set(path, await entry.create({ ctx }, a));
  }
}, 120_000);
afterAll(() => ctx.close());

const fill = (path: string, params: Record<string, string>) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`registry entry for ${path} returned no "${name}"`);
    return encodeURIComponent(value);
  });

function inject(caller: Caller, method: Method, url: string, body: unknown) {
  const headers: Record<string, string> = {};
  if (caller && 'apiKey' in caller) headers.authorization = `Bearer ${caller.apiKey}`;
  if (caller && 'cookie' in caller) {
    headers.cookie = caller.cookie;
    headers['x-csrf-token'] = caller.csrfToken;
  }
  let payload: string | Buffer | undefined;
  if (isRaw(body)) {
    payload = body.raw.payload;
    headers['content-type'] = body.raw.contentType;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  return ctx.app.inject({ method, url, headers, payload });
}

const isRaw = (body: unknown): body is RawBody => typeof body === 'object' && body !== null && 'raw' in body;

describe('tenant isolation', () => {
  it('the registry covers every API path with parameters', () => {
    const missing = [...new Set(withParams.map((o) => o.path))].filter((p) => !RESOURCES[p]);
    expect(missing, `Register these paths in test/tenant-isolation/resources.ts:\n${missing.join('\n')}`).toEqual([]);
    const stale = Object.keys(RESOURCES).filter((p) => !withParams.some((o) => o.path === p));
    expect(stale, 'registry entries for paths that no longer exist').toEqual([]);
  });

  for (const op of withParams) {
    const entry = RESOURCES[op.path];
    for (const who of ['owner API key', 'owner session'] as const) {
      it.skipIf(!entry)(`${op.method} ${op.path} as organization A (${who}) with B's ids → 404/403, B unchanged`, async () => {
        const params = bParams.get(op.path)!;
        const caller: Caller = who === 'owner API key' ? { apiKey: a.apiKey } : a.owner;
        const before = await entry!.read({ ctx }, b, params);
        expect(before, `the registry's read() found nothing for ${op.path}`).toBeTruthy();
        const body = op.method === 'GET' ? undefined : entry!.bodies?.[op.method as WriteMethod];
        const res = await inject(caller, op.method, fill(op.path, params), body);
        expect([403, 404], `${op.method} ${op.path} answered ${res.statusCode}: ${res.body.slice(0, 300)}`).toContain(res.statusCode);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(await entry!.read({ ctx }, b, params)).toEqual(before);
      });
    }
  }

  for (const op of lists) {
    it(`GET ${op.path} as organization A never lists B's objects`, async () => {
      const bIds = [b.organizationId, ...[...bParams.values()].flatMap((p) => Object.values(p))];
      for (const caller of [{ apiKey: a.apiKey }, a.owner] satisfies Caller[]) {
        const res = await inject(caller, 'GET', `${op.path}${op.path.includes('?') ? '&' : '?'}limit=200`, undefined);
        expect(res.statusCode).toBeLessThan(500);
        for (const id of bIds) expect(res.body, `${op.path} leaked ${id}`).not.toContain(id);
      }
    });
  }
});
