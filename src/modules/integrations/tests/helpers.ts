import { expect } from 'vitest';
import { json, type TestContext } from '../../../../test/support/context.ts';
import { call, type TestOrg } from '../../../../test/support/factories.ts';

/** Creates an integration through the API and returns its id (fails the test on a non-201). */
export async function createIntegrationVia(ctx: TestContext, org: TestOrg, body: Record<string, unknown>): Promise<string> {
  const res = await call(ctx, org.owner, 'POST', '/api/v1/integrations', body);
  expect(res.statusCode, res.body).toBe(201);
  return json<{ id: string }>(res).id;
}

/** Creates a tool through the API and returns its id (fails the test on a non-201). */
export async function createToolVia(ctx: TestContext, org: TestOrg, integrationId: string, body: Record<string, unknown>): Promise<string> {
  const res = await call(ctx, org.owner, 'POST', `/api/v1/integrations/${integrationId}/tools`, { description: 'A test tool', ...body });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ id: string }>(res).id;
}
