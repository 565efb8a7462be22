import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { pageOf, pageQuery } from '../../shared/pagination.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.service.ts';
import { apiKeySchema, createApiKeyBody } from './identity.schemas.ts';
import { actorOf } from './team.routes.ts';

const tags = ['API keys'];
type Row = Awaited<ReturnType<typeof listApiKeys>>['items'][number];
const present = (k: Row) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  createdAt: k.createdAt.toISOString(),
});

/** Owners create, list and revoke API keys. */
export function registerApiKeyRoutes(app: App, deps: Deps) {
  app.get(
    '/api/v1/api-keys',
    { schema: { tags, summary: 'List API keys', querystring: pageQuery, response: { 200: pageOf(apiKeySchema) } } },
    async (req) => {
      const p = requirePermission(req, 'apiKeys.manage');
      const page = await listApiKeys(deps.database.db, p.organizationId, req.query);
      return { nextCursor: page.nextCursor, items: page.items.map(present) };
    },
  );

  app.post(
    '/api/v1/api-keys',
    {
      schema: {
        tags,
        summary: 'Create an API key',
        description: 'The full key is in the response and is never shown again; store it safely. Use it as `Authorization: Bearer <key>`.',
        body: createApiKeyBody,
        response: { 201: apiKeySchema.extend({ key: z.string().describe('The secret key. Shown once.') }) },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'apiKeys.manage');
      const { row, key } = await createApiKey(deps.database.db, p.organizationId, req.body.name, {
        ...actorOf(p, req.ip),
        userId: p.kind === 'user' ? p.userId : null,
      });
      return reply.status(201).send({ ...present(row), key });
    },
  );

  app.delete(
    '/api/v1/api-keys/:id',
    { schema: { tags, summary: 'Revoke an API key', description: 'Takes effect on the next request.', params: idParams, response: { 200: apiKeySchema } } },
    async (req) => {
      const p = requirePermission(req, 'apiKeys.manage');
      return present(await revokeApiKey(deps.database.db, p.organizationId, req.params.id, actorOf(p, req.ip)));
    },
  );
}
