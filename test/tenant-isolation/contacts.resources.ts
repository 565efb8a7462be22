/**
 * Tenant-isolation registry entries of the contacts module (spread into RESOURCES in ./resources.ts):
 * contacts (and their consents, photo, export and erasure), groups, custom fields and imports.
 */
import { expect } from 'vitest';
import { newId } from '../../src/shared/ids.ts';
import { json } from '../support/context.ts';
import { call, type TestOrg } from '../support/factories.ts';
import type { IsolationEnv, RawBody, ResourceEntry } from './resources.ts';

let counter = 0;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a1c40000000049454e44ae426082', 'hex');

function multipart(filename: string, data: Buffer): RawBody {
  const boundary = '----charla-contacts-isolation';
  return {
    raw: {
      payload: Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
        data,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
      contentType: `multipart/form-data; boundary=${boundary}`,
    },
  };
}

async function makeContact({ ctx }: IsolationEnv, org: TestOrg): Promise<Record<string, string>> {
  const n = ++counter;
  const res = await call(ctx, org.owner, 'POST', '/api/v1/contacts', {
    firstName: `Aislado ${n}`,
    phone: `+57 315 ${String(100_0000 + n).slice(-7, -4)} ${String(n).padStart(4, '0')}`,
    email: `isolated-${newId().slice(-10)}@example.test`,
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: json<{ id: string }>(res).id };
}

async function makeImport({ ctx }: IsolationEnv, org: TestOrg): Promise<Record<string, string>> {
  const { raw } = multipart('isolated.csv', Buffer.from(`Nombre,Correo\nAislada,import-${newId().slice(-10)}@example.test\n`));
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/contacts/imports',
    headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': raw.contentType },
    payload: raw.payload,
  });
  expect(res.statusCode, res.body).toBe(202);
  return { id: json<{ id: string }>(res).id };
}

const readContact = async ({ ctx }: IsolationEnv, org: TestOrg, { id }: Record<string, string>) => json(await call(ctx, org.owner, 'GET', `/api/v1/contacts/${id}`));
const readConsents = async ({ ctx }: IsolationEnv, org: TestOrg, { id }: Record<string, string>) => ({
  contact: json(await call(ctx, org.owner, 'GET', `/api/v1/contacts/${id}`)),
  consents: json(await call(ctx, org.owner, 'GET', `/api/v1/contacts/${id}/consents`)),
});
const readImport = async ({ ctx }: IsolationEnv, org: TestOrg, { id }: Record<string, string>) => json(await call(ctx, org.owner, 'GET', `/api/v1/contacts/imports/${id}`));

export const CONTACT_RESOURCES: Record<string, ResourceEntry> = {
  '/api/v1/contacts/{id}': {
    create: makeContact,
    read: readContact,
    bodies: { PATCH: { firstName: 'Cambiado por otra organización' } },
  },
  '/api/v1/contacts/{id}/consents': {
    create: makeContact,
    read: readConsents,
    bodies: { POST: { purpose: 'marketing', status: 'revoked' } },
  },
  '/api/v1/contacts/{id}/export': { create: makeContact, read: readContact },
  '/api/v1/contacts/{id}/erase': { create: makeContact, read: readContact, bodies: { POST: { confirm: true } } },
  '/api/v1/contacts/{id}/photo': {
    async create(env, org) {
      const params = await makeContact(env, org);
      const { raw } = multipart('p.png', PNG);
      const res = await env.ctx.app.inject({
        method: 'PUT',
        url: `/api/v1/contacts/${params.id}/photo`,
        headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': raw.contentType },
        payload: raw.payload,
      });
      expect(res.statusCode, res.body).toBe(200);
      return params;
    },
    read: readContact,
    bodies: { PUT: multipart('other.png', PNG) },
  },
  '/api/v1/groups/{id}': {
    async create({ ctx }, org) {
      const res = await call(ctx, org.owner, 'POST', '/api/v1/groups', { name: `Grupo aislado ${++counter}` });
      expect(res.statusCode, res.body).toBe(201);
      return { id: json<{ id: string }>(res).id };
    },
    read: async ({ ctx }, org, { id }) => json(await call(ctx, org.owner, 'GET', `/api/v1/groups/${id}`)),
    bodies: { PATCH: { name: 'Renombrado desde fuera' } },
  },
  '/api/v1/contact-fields/{id}': {
    async create({ ctx }, org) {
      const res = await call(ctx, org.owner, 'POST', '/api/v1/contact-fields', { label: `Campo ${++counter}`, component: 'select', options: ['A', 'B'] });
      expect(res.statusCode, res.body).toBe(201);
      return { id: json<{ id: string }>(res).id };
    },
    read: async ({ ctx }, org, { id }) => json(await call(ctx, org.owner, 'GET', `/api/v1/contact-fields/${id}`)),
    bodies: { PATCH: { label: 'Cambiado desde fuera', options: ['X'] } },
  },
  '/api/v1/contacts/imports/{id}': { create: makeImport, read: readImport },
  '/api/v1/contacts/imports/{id}/start': { create: makeImport, read: readImport, bodies: { POST: { mapping: ['firstName', 'email'], dedupe: 'update' } } },
  '/api/v1/contacts/imports/{id}/cancel': { create: makeImport, read: readImport, bodies: { POST: undefined } },
  '/api/v1/contacts/imports/{id}/errors': { create: makeImport, read: readImport },
  '/api/v1/contacts/imports/{id}/errors.csv': { create: makeImport, read: readImport },
};
