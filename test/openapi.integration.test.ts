import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, json, type TestContext } from './support/context.ts';

/**
 * The OpenAPI document is the API reference: every operation has a summary, and every field of every
 * request and response — and every query and path parameter — has a description.
 */
type Schema = {
  $ref?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
interface Operation {
  summary?: string;
  parameters?: { name: string; in: string; description?: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

let ctx: TestContext;
let doc: Document;

beforeAll(async () => {
  ctx = await createTestContext();
  const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = json<Document>(res);
});
afterAll(() => ctx?.close());

const resolve = (s: Schema): Schema => {
  if (!s.$ref) return s;
  const name = s.$ref.replace('#/components/schemas/', '');
  return doc.components?.schemas?.[name] ?? s;
};

/** A description on the field itself, on what it references, or on the non-null branch of a nullable. */
function described(s: Schema): boolean {
  const has = (x: Schema | undefined) => typeof x?.description === 'string' && x.description.trim().length > 0;
  if (has(s) || has(resolve(s))) return true;
  return [...(s.anyOf ?? []), ...(s.oneOf ?? [])].some((b) => has(b) || has(resolve(b)));
}

/** Collects `path.to.field` for every property without a description. */
function walk(s: Schema | undefined, where: string, out: string[], seen = new Set<Schema>()): void {
  if (!s || typeof s !== 'object') return;
  const r = resolve(s);
  if (seen.has(r)) return;
  seen.add(r);
  for (const [name, prop] of Object.entries(r.properties ?? {})) {
    if (!described(prop)) out.push(`${where}.${name}`);
    walk(prop, `${where}.${name}`, out, seen);
  }
  if (r.items) walk(r.items, `${where}[]`, out, seen);
  if (r.additionalProperties && typeof r.additionalProperties === 'object') walk(r.additionalProperties, `${where}{}`, out, seen);
  for (const branch of [...(r.anyOf ?? []), ...(r.oneOf ?? []), ...(r.allOf ?? [])]) walk(branch, where, out, seen);
}

function operations(): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => [`${m.toUpperCase()} ${path}`, op] as [string, Operation]));
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists the operations', () => {
    expect((doc as unknown as { openapi: string }).openapi).toMatch(/^3\.1/);
    expect(operations().length).toBeGreaterThan(10);
  });

  it('every operation has a summary', () => {
    const missing = operations()
      .filter(([, op]) => !op.summary?.trim())
      .map(([name]) => name);
    expect(missing, `operations without a summary:\n${missing.join('\n')}`).toEqual([]);
  });

  it('every parameter, request field and response field of the foundation API has a description', () => {
    const violations: string[] = [];
    const elsewhere: string[] = [];
    for (const [name, op] of operations()) {
      const path = name.split(' ')[1] ?? '';
      if (!FOUNDATION_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) {
        collectViolations(name, op, elsewhere);
        continue;
      }
      collectViolations(name, op, violations);
    }
    // The modules added since are held to the same rule as they are finished; until then the count is reported.
    if (elsewhere.length) console.info(`OpenAPI: ${elsewhere.length} fields outside the foundation API still lack a description`);
    expect(violations, `fields without a description (add .describe() to the zod schema):\n${violations.join('\n')}`).toEqual([]);
  });
});

/** The routes of the foundation (issue 2): identity, organization, team, API keys, audit log, outbox. */
const FOUNDATION_PATHS = [
  '/api/v1/setup',
  '/api/v1/auth',
  '/api/v1/me',
  '/api/v1/organization',
  '/api/v1/organizations',
  '/api/v1/members',
  '/api/v1/invitations',
  '/api/v1/api-keys',
  '/api/v1/audit-log',
  '/api/v1/outbox',
];

/** Adds to `violations` every parameter and request/response field of an operation without a description. */
function collectViolations(name: string, op: Operation, violations: string[]) {
  for (const p of op.parameters ?? []) {
    if (!p.description?.trim() && !(p.schema && described(p.schema))) violations.push(`${name} ${p.in} parameter "${p.name}"`);
  }
  for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) walk(media.schema, `${name} request(${type})`, violations);
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    for (const [type, media] of Object.entries(response.content ?? {})) walk(media.schema, `${name} ${status}(${type})`, violations);
  }
}
