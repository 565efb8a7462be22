/**
 * The tenant-isolation registry: one entry per API path with path parameters (as written in the
 * OpenAPI document, e.g. `/api/v1/members/{id}`). The suite in `tenant-isolation.integration.test.ts`
 * creates each resource in organization B through `create`, calls every operation of the path as
 * organization A (owner API key and owner session) with B's ids, expects 404 (or 403), and checks with
 * `read` that B's object did not change. It fails when a path with parameters has no entry here.
 *
 * To register a route: add an entry keyed by its path. `create` makes the object in `org` (through the
 * API as `org.owner` or `org.apiKey`, or through services) and returns the path parameters; `read`
 * returns whatever shows the object's state as its own organization sees it; `bodies` gives a valid
 * body for each write method, so A's call gets past validation and reaches the lookup (a 400 would
 * prove nothing). For non-JSON bodies give `{ raw: { payload, contentType } }`.
 */
import { expect } from 'vitest';
import { type TestContext, json } from '../support/context.ts';
import { addMember, call, type TestOrg } from '../support/factories.ts';
import { newId } from '../../src/shared/ids.ts';
import { CONTACT_RESOURCES } from './contacts.resources.ts';
import { INBOX_RESOURCES } from './inbox.resources.ts';
import { INTEGRATION_RESOURCES } from './integrations.resources.ts';
import { ASSISTANT_RESOURCES } from './assistant.resources.ts';
import { KNOWLEDGE_RESOURCES } from './knowledge.resources.ts';
import { CAMPAIGN_RESOURCES } from './campaigns.resources.ts';

/** What a registry entry works with. */
export interface IsolationEnv {
  ctx: TestContext;
}

/** A non-JSON request body. */
export interface RawBody {
  raw: { payload: string | Buffer; contentType: string };
}

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How to create, read and address one kind of organization-owned object. */
export interface ResourceEntry {
  /** Creates the object in `org`; returns the path parameters (`{ id }`) that point at it. */
  create(env: IsolationEnv, org: TestOrg): Promise<Record<string, string>>;
  /** The object as its own organization sees it (compared before and after the foreign calls). */
  read(env: IsolationEnv, org: TestOrg, params: Record<string, string>): Promise<unknown>;
  /** A valid body per write method (JSON, or `{ raw }`). */
  bodies?: Partial<Record<WriteMethod, unknown | RawBody>>;
}

/** Reads one item out of a list response by id (for objects without a GET-by-id route). */
async function findInList(ctx: TestContext, org: TestOrg, url: string, id: string): Promise<unknown> {
  const res = await call(ctx, org.owner, 'GET', url);
  expect(res.statusCode, res.body).toBe(200);
  return json<{ items: { id: string }[] }>(res).items.find((i) => i.id === id) ?? null;
}

const uniqueEmail = (tag: string) => `${tag}-${newId().slice(-12)}@example.test`;

export const RESOURCES: Record<string, ResourceEntry> = {
  ...INTEGRATION_RESOURCES,
  ...ASSISTANT_RESOURCES,
  ...INBOX_RESOURCES,
  ...CONTACT_RESOURCES,
  ...KNOWLEDGE_RESOURCES,
  ...CAMPAIGN_RESOURCES,
  '/api/v1/members/{id}': {
    async create({ ctx }, org) {
      const member = await addMember(ctx, org, 'agent', 'Isolated Agent');
      const list = json<{ items: { id: string; email: string }[] }>(await call(ctx, org.owner, 'GET', `/api/v1/members?limit=200&q=${encodeURIComponent(member.email)}`));
      return { id: list.items.find((m) => m.email === member.email)!.id };
    },
    read: ({ ctx }, org, { id }) => findInList(ctx, org, '/api/v1/members?limit=200', id!),
    bodies: { PATCH: { status: 'disabled' } },
  },
  '/api/v1/invitations/{id}': {
    async create({ ctx }, org) {
      const res = await call(ctx, org.owner, 'POST', '/api/v1/invitations', { email: uniqueEmail('isolated'), role: 'agent' });
      expect(res.statusCode, res.body).toBe(201);
      return { id: json<{ id: string }>(res).id };
    },
    read: ({ ctx }, org, { id }) => findInList(ctx, org, '/api/v1/invitations?limit=200', id!),
  },
  '/api/v1/invitations/{id}/resend': {
    async create({ ctx }, org) {
      const res = await call(ctx, org.owner, 'POST', '/api/v1/invitations', { email: uniqueEmail('isolated-resend'), role: 'agent' });
      expect(res.statusCode, res.body).toBe(201);
      return { id: json<{ id: string }>(res).id };
    },
    read: ({ ctx }, org, { id }) => findInList(ctx, org, '/api/v1/invitations?limit=200', id!),
    bodies: { POST: undefined },
  },
  '/api/v1/api-keys/{id}': {
    async create({ ctx }, org) {
      const res = await call(ctx, org.owner, 'POST', '/api/v1/api-keys', { name: 'isolated key' });
      expect(res.statusCode, res.body).toBe(201);
      return { id: json<{ id: string }>(res).id };
    },
    read: ({ ctx }, org, { id }) => findInList(ctx, org, '/api/v1/api-keys?limit=200', id!),
  },
};
