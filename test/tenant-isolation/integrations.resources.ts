/**
 * Tenant-isolation registry entries of the integrations module (spread into RESOURCES in ./resources.ts).
 * Each integration points at an unroutable documentation address: a foreign call must be refused by the
 * lookup (404) long before any request would go out.
 */
import { expect } from 'vitest';
import { json } from '../support/context.ts';
import { call, type TestOrg } from '../support/factories.ts';
import type { IsolationEnv, ResourceEntry } from './resources.ts';

const tool = (name: string) => ({
  name,
  description: 'Looks up an order',
  parameters: [{ name: 'orderId', type: 'string' }],
  request: { method: 'GET', url: '/orders/{{orderId}}' },
});

async function makeIntegration({ ctx }: IsolationEnv, org: TestOrg): Promise<string> {
  const res = await call(ctx, org.owner, 'POST', '/api/v1/integrations', { name: 'Isolated shop', baseUrl: 'https://shop.invalid', auth: { type: 'bearer', token: 'isolated-token-0123456789' } });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ id: string }>(res).id;
}

async function makeTool(env: IsolationEnv, org: TestOrg): Promise<{ id: string; toolId: string }> {
  const id = await makeIntegration(env, org);
  const res = await call(env.ctx, org.owner, 'POST', `/api/v1/integrations/${id}/tools`, tool(`isolated_${Math.random().toString(36).slice(2, 10)}`));
  expect(res.statusCode, res.body).toBe(201);
  return { id, toolId: json<{ id: string }>(res).id };
}

const readIntegration = async ({ ctx }: IsolationEnv, org: TestOrg, { id }: Record<string, string>) => {
  const body = json<Record<string, unknown>>(await call(ctx, org.owner, 'GET', `/api/v1/integrations/${id}`));
  // Circuit state moves with the clock, not with foreign calls.
  const { circuitBreaker: _circuit, ...rest } = body;
  return rest;
};
const readTools = async ({ ctx }: IsolationEnv, org: TestOrg, { id }: Record<string, string>) => json(await call(ctx, org.owner, 'GET', `/api/v1/integrations/${id}/tools`));
const readTool = async ({ ctx }: IsolationEnv, org: TestOrg, params: Record<string, string>) =>
  json(await call(ctx, org.owner, 'GET', `/api/v1/tools/${params.toolId ?? params.id}`));
const readCalls = async ({ ctx }: IsolationEnv, org: TestOrg, { id }: Record<string, string>) => json(await call(ctx, org.owner, 'GET', `/api/v1/tools/${id}/calls`));

const OPENAPI = JSON.stringify({ openapi: '3.0.3', info: { title: 'x', version: '1' }, paths: { '/x': { get: { operationId: 'getX', responses: { 200: { description: 'ok' } } } } } });

/** Every integrations path with parameters. */
export const INTEGRATION_RESOURCES: Record<string, ResourceEntry> = {
  '/api/v1/integrations/{id}': {
    create: async (env, org) => ({ id: await makeIntegration(env, org) }),
    read: readIntegration,
    bodies: { PATCH: { name: 'Taken over', secrets: { stolen: 'value-0123456789' } } },
  },
  '/api/v1/integrations/{id}/import-openapi': {
    create: async (env, org) => ({ id: await makeIntegration(env, org) }),
    read: readTools,
    bodies: { POST: { document: OPENAPI, operations: ['getX'] } },
  },
  '/api/v1/integrations/{id}/sync-tools': {
    create: async (env, org) => ({ id: await makeIntegration(env, org) }),
    read: readIntegration,
    bodies: { POST: undefined },
  },
  '/api/v1/integrations/{id}/tools': {
    create: async (env, org) => ({ id: (await makeTool(env, org)).id }),
    read: readTools,
    bodies: { POST: tool('foreign_tool') },
  },
  '/api/v1/integrations/{id}/tools/test': {
    create: async (env, org) => ({ id: await makeIntegration(env, org) }),
    read: readTools,
    bodies: { POST: { tool: tool('draft_tool'), args: { orderId: '1' } } },
  },
  '/api/v1/integrations/{id}/tools/{toolId}': {
    create: (env, org) => makeTool(env, org),
    read: readTool,
    bodies: { PATCH: { description: 'Taken over' } },
  },
  '/api/v1/tools/{id}': {
    create: async (env, org) => ({ id: (await makeTool(env, org)).toolId }),
    read: readTool,
  },
  '/api/v1/tools/{id}/test': {
    create: async (env, org) => ({ id: (await makeTool(env, org)).toolId }),
    read: readCalls,
    bodies: { POST: { args: { orderId: '1' } } },
  },
  '/api/v1/tools/{id}/calls': {
    create: async (env, org) => ({ id: (await makeTool(env, org)).toolId }),
    read: readCalls,
  },
};
