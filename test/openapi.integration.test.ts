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
  tags?: string[];
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

  it('documents the whole public API: every path is under /api/v1', () => {
    const paths = Object.keys(doc.paths);
    // The web chat widget, the WhatsApp webhook, health and metrics are not part of the REST API and stay hidden.
    expect(paths.filter((p) => !p.startsWith('/api/v1/'))).toEqual([]);
    // Every module's routes are in the reference, not only the foundation's.
    for (const prefix of ['/api/v1/contacts', '/api/v1/channels', '/api/v1/conversations', '/api/v1/templates', '/api/v1/campaigns', '/api/v1/knowledge', '/api/v1/integrations', '/api/v1/tools', '/api/v1/assistant']) {
      expect(paths.some((p) => p === prefix || p.startsWith(`${prefix}/`)), prefix).toBe(true);
    }
  });

  it('every operation has a tag the reference declares, with a description', () => {
    const declared = new Map(((doc as unknown as { tags?: { name: string; description?: string }[] }).tags ?? []).map((t) => [t.name, t.description ?? '']));
    const undeclared = operations()
      .filter(([, op]) => !(op.tags?.length && op.tags.every((t) => declared.has(t))))
      .map(([name, op]) => `${name} [${(op.tags ?? []).join(', ')}]`);
    expect(undeclared, `operations without a declared tag:\n${undeclared.join('\n')}`).toEqual([]);
    const used = new Set(operations().flatMap(([, op]) => op.tags ?? []));
    expect([...declared].filter(([name, description]) => !used.has(name) || !description.trim())).toEqual([]);
  });

  it('every parameter, request field and response field has a description', () => {
    const violations: string[] = [];
    for (const [name, op] of operations()) collectViolations(name, op, violations);
    expect(violations, `fields without a description (add .describe() to the zod schema):\n${violations.join('\n')}`).toEqual([]);
  });
});

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
