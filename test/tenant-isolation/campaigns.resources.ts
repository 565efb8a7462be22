/**
 * Tenant-isolation registry entries of the templates and campaigns modules (spread into RESOURCES in
 * ./resources.ts). Organization B's template and campaign are written straight into the database: the
 * suite only needs B's ids to exist (as approved, sendable objects), not Meta's approval lifecycle,
 * which the modules' own tests cover against the emulator.
 */
import { expect } from 'vitest';
import { campaigns, messageTemplates } from '../../src/db/schema/index.ts';
import { newId } from '../../src/shared/ids.ts';
import { json } from '../support/context.ts';
import { call, type TestOrg } from '../support/factories.ts';
import type { IsolationEnv, ResourceEntry } from './resources.ts';

let counter = 0;

const components = [{ type: 'BODY' as const, text: 'Hola {{1}}, tu pedido está listo.', example: { body_text: [['Ana']] } }];

async function makeChannel({ ctx }: IsolationEnv, org: TestOrg): Promise<string> {
  const n = ++counter;
  const res = await call(ctx, org.owner, 'POST', '/api/v1/channels', {
    type: 'whatsapp',
    name: `Campaign isolation ${n}`,
    phoneNumberId: String(770000000000 + n),
    wabaId: '1022901294',
    accessToken: 'EAAG-isolated-token-0123456789',
    appSecret: 'isolated-app-secret-0123',
    graphApiUrl: 'http://127.0.0.1:9',
  });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ id: string }>(res).id;
}

async function makeTemplate(env: IsolationEnv, org: TestOrg): Promise<{ id: string; channelId: string }> {
  const channelId = await makeChannel(env, org);
  const id = newId();
  await env.ctx.container.database.db.insert(messageTemplates).values({
    id,
    organizationId: org.organizationId,
    channelId,
    name: `isolated_${++counter}`,
    language: 'es',
    category: 'utility',
    status: 'approved',
    components,
  });
  return { id, channelId };
}

async function makeCampaign(env: IsolationEnv, org: TestOrg): Promise<Record<string, string>> {
  const template = await makeTemplate(env, org);
  const id = newId();
  await env.ctx.container.database.db.insert(campaigns).values({
    id,
    organizationId: org.organizationId,
    channelId: template.channelId,
    templateId: template.id,
    template: { name: 'isolated', language: 'es', category: 'utility', parameterFormat: 'positional', components },
    name: `Isolated campaign ${counter}`,
    status: 'draft',
    audience: { kind: 'all' },
    variables: { 'body.1': { source: 'text', value: 'Ana' } },
  });
  return { id };
}

const readTemplate = async ({ ctx }: IsolationEnv, org: TestOrg, { id }: Record<string, string>) => json(await call(ctx, org.owner, 'GET', `/api/v1/templates/${id}`));
const readCampaign = async ({ ctx }: IsolationEnv, org: TestOrg, { id }: Record<string, string>) => json(await call(ctx, org.owner, 'GET', `/api/v1/campaigns/${id}`));
const campaign = (bodies?: ResourceEntry['bodies']): ResourceEntry => ({ create: makeCampaign, read: readCampaign, bodies });

/** Every templates and campaigns path with parameters. */
export const CAMPAIGN_RESOURCES: Record<string, ResourceEntry> = {
  '/api/v1/templates/{id}': {
    create: async (env, org) => ({ id: (await makeTemplate(env, org)).id }),
    read: readTemplate,
    bodies: { PATCH: { footer: null } },
  },
  '/api/v1/campaigns/{id}': campaign({ PATCH: { name: 'Taken over' } }),
  '/api/v1/campaigns/{id}/schedule': campaign({ POST: { scheduledAt: new Date(Date.now() + 86_400_000).toISOString() } }),
  '/api/v1/campaigns/{id}/send': campaign({ POST: {} }),
  '/api/v1/campaigns/{id}/pause': campaign({ POST: {} }),
  '/api/v1/campaigns/{id}/resume': campaign({ POST: {} }),
  '/api/v1/campaigns/{id}/cancel': campaign({ POST: {} }),
  '/api/v1/campaigns/{id}/recipients': campaign(),
  '/api/v1/campaigns/{id}/export.csv': campaign(),
};
