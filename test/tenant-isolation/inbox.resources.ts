/**
 * Tenant-isolation registry entries of the channels and inbox modules (spread into RESOURCES in
 * ./resources.ts). Conversations are created the way a customer creates them: an inbound message
 * recorded by the inbox for a WhatsApp channel of the organization.
 */
import { expect } from 'vitest';
import { recordInboundMessage } from '../../src/modules/inbox/index.ts';
import { newId } from '../../src/shared/ids.ts';
import { json } from '../support/context.ts';
import { call, type TestOrg } from '../support/factories.ts';
import type { IsolationEnv, ResourceEntry } from './resources.ts';

let counter = 0;

async function makeChannel({ ctx }: IsolationEnv, org: TestOrg): Promise<string> {
  const n = ++counter;
  const res = await call(ctx, org.owner, 'POST', '/api/v1/channels', {
    type: 'whatsapp',
    name: `Isolated ${n}`,
    phoneNumberId: String(880000000000 + n),
    wabaId: '1022901293',
    accessToken: 'EAAG-isolated-token-0123456789',
    appSecret: 'isolated-app-secret-0123',
    graphApiUrl: 'http://127.0.0.1:9',
  });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ id: string }>(res).id;
}

async function makeConversation(env: IsolationEnv, org: TestOrg): Promise<string> {
  const channelId = await makeChannel(env, org);
  const result = await recordInboundMessage(env.ctx.container, {
    channel: { id: channelId, organizationId: org.organizationId, type: 'whatsapp' },
    from: { waId: `52155${String(++counter).padStart(8, '0')}`, name: 'Cliente aislado' },
    providerMessageId: `wamid.isolated.${newId()}`,
    occurredAt: new Date(),
    type: 'text',
    body: 'Hola',
    payload: {},
  });
  return result.conversationId!;
}

async function makeFile({ ctx }: IsolationEnv, org: TestOrg): Promise<string> {
  const boundary = '----charla-isolation';
  const payload = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="nota.txt"\r\nContent-Type: text/plain\r\n\r\nconfidencial\r\n--${boundary}--\r\n`,
  );
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/files',
    headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ id: string }>(res).id;
}

const readChannel = async ({ ctx }: IsolationEnv, org: TestOrg, { id }: Record<string, string>) => json(await call(ctx, org.owner, 'GET', `/api/v1/channels/${id}`));
const readConversation = async ({ ctx }: IsolationEnv, org: TestOrg, { id }: Record<string, string>) => {
  const conversation = json<Record<string, unknown>>(await call(ctx, org.owner, 'GET', `/api/v1/conversations/${id}`));
  const messages = json(await call(ctx, org.owner, 'GET', `/api/v1/conversations/${id}/messages`));
  return { conversation, messages };
};
const readFile = async ({ ctx }: IsolationEnv, org: TestOrg, { id }: Record<string, string>) => json(await call(ctx, org.owner, 'GET', `/api/v1/files/${id}`));

/** Every channels and inbox path with parameters. */
export const INBOX_RESOURCES: Record<string, ResourceEntry> = {
  '/api/v1/channels/{id}': {
    create: async (env, org) => ({ id: await makeChannel(env, org) }),
    read: readChannel,
    bodies: { PATCH: { name: 'Taken over', accessToken: 'EAAG-stolen-token-0123456789' } },
  },
  '/api/v1/channels/{id}/check': {
    create: async (env, org) => ({ id: await makeChannel(env, org) }),
    read: readChannel,
    bodies: { POST: undefined },
  },
  '/api/v1/conversations/{id}': {
    create: async (env, org) => ({ id: await makeConversation(env, org) }),
    read: readConversation,
    bodies: { PATCH: { status: 'closed', aiEnabled: false } },
  },
  '/api/v1/conversations/{id}/messages': {
    create: async (env, org) => ({ id: await makeConversation(env, org) }),
    read: readConversation,
    bodies: { POST: { type: 'text', text: 'Nota ajena', private: true } },
  },
  '/api/v1/conversations/{id}/read': {
    create: async (env, org) => ({ id: await makeConversation(env, org) }),
    read: readConversation,
    bodies: { POST: undefined },
  },
  '/api/v1/conversations/{id}/typing': {
    create: async (env, org) => ({ id: await makeConversation(env, org) }),
    read: readConversation,
    bodies: { POST: undefined },
  },
  '/api/v1/files/{id}': {
    create: async (env, org) => ({ id: await makeFile(env, org) }),
    read: readFile,
  },
  '/api/v1/files/{id}/content': {
    create: async (env, org) => ({ id: await makeFile(env, org) }),
    read: readFile,
  },
};
