import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { pageOf, pageQuery } from '../../shared/pagination.ts';
import { actorOf } from '../identity/team.routes.ts';
import { createGroup, deleteGroup, getGroup, type GroupView, listGroups, updateGroup } from './groups.service.ts';

const groupSchema = z.object({
  id: z.uuid().describe('The group\'s id.'),
  name: z.string().describe('Unique in the organization, ignoring case.'),
  description: z.string().describe('What the group is for.'),
  memberCount: z.number().int().describe('How many contacts are in the group.'),
  createdAt: z.iso.datetime().describe('When the group was created.'),
  updatedAt: z.iso.datetime().describe('Last change.'),
});

const groupName = z.string().trim().min(1, 'Required').max(100).describe('Group name, e.g. "Clientes VIP".');
const groupBody = z.strictObject({
  name: groupName,
  description: z.string().trim().max(500).optional().describe('What the group is for.'),
});
const groupPatch = z.strictObject({ name: groupName.optional(), description: z.string().trim().max(500).optional().describe('What the group is for.') });

const present = (g: GroupView) => ({ ...g, createdAt: g.createdAt.toISOString(), updatedAt: g.updatedAt.toISOString() });
const tags = ['Groups'];

/** `/api/v1/groups`: create, rename and delete contact groups, with member counts. */
export function registerGroupRoutes(app: App, deps: Deps) {
  const db = deps.database.db;
  app.get(
    '/api/v1/groups',
    {
      schema: {
        tags,
        summary: 'List groups',
        description: 'Sorted by name. List a group\'s members with `GET /api/v1/contacts?groupId=…`.',
        querystring: pageQuery.extend({ q: z.string().trim().max(100).optional().describe('Part of the group name.') }),
        response: { 200: pageOf(groupSchema) },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'contacts.read');
      const page = await listGroups(db, p.organizationId, req.query);
      return { items: page.items.map(present), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/groups',
    { schema: { tags, summary: 'Create a group', body: groupBody, response: { 201: groupSchema } } },
    async (req, reply) => {
      const p = requirePermission(req, 'contacts.write');
      return reply.status(201).send(present(await createGroup(db, p.organizationId, req.body)));
    },
  );

  app.get(
    '/api/v1/groups/:id',
    { schema: { tags, summary: 'Get a group', params: idParams, response: { 200: groupSchema } } },
    async (req) => {
      const p = requirePermission(req, 'contacts.read');
      return present(await getGroup(db, p.organizationId, req.params.id));
    },
  );

  app.patch(
    '/api/v1/groups/:id',
    { schema: { tags, summary: 'Rename a group or change its description', params: idParams, body: groupPatch, response: { 200: groupSchema } } },
    async (req) => {
      const p = requirePermission(req, 'contacts.write');
      return present(await updateGroup(db, p.organizationId, req.params.id, req.body));
    },
  );

  app.delete(
    '/api/v1/groups/:id',
    {
      schema: {
        tags,
        summary: 'Delete a group',
        description: 'Its contacts are kept. Audited.',
        params: idParams,
        response: { 204: z.null().describe('Deleted.') },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'contacts.write');
      await deleteGroup(db, p.organizationId, req.params.id, actorOf(p, req.ip));
      return reply.status(204).send(null);
    },
  );
}
