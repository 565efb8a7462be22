import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { pageOf } from '../../shared/pagination.ts';
import { actorOf } from '../identity/team.routes.ts';
import {
  bulkGroupsBody,
  contactCreateBody,
  contactListQuery,
  contactPatchBody,
  contactSchema,
  filterFromQuery,
  presentContact,
} from './contacts.schemas.ts';
import { createContact, deleteContact, getContact, listContacts, updateContact } from './contacts.service.ts';
import { changeGroupMembership } from './groups.service.ts';

const tags = ['Contacts'];

/** `/api/v1/contacts`: CRUD, search and bulk group membership. */
export function registerContactRoutes(app: App, deps: Deps) {
  const db = deps.database.db;

  app.get(
    '/api/v1/contacts',
    {
      schema: {
        tags,
        summary: 'List and search contacts',
        description:
          'Search by name, phone (any format), e-mail, group, custom field value and consent; sort; cursor pagination. Erased contacts are never listed.',
        querystring: contactListQuery,
        response: { 200: pageOf(contactSchema) },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'contacts.read');
      const { cursor, limit, sort, ...filter } = req.query;
      const page = await listContacts(db, p.organizationId, filterFromQuery(filter), { cursor, limit, sort });
      return { items: page.items.map(presentContact), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/contacts',
    {
      schema: {
        tags,
        summary: 'Create a contact',
        description: 'The phone is normalized to E.164; phone and e-mail are unique in the organization (409 `contact_phone_taken` / `contact_email_taken`). Required custom fields must be filled.',
        body: contactCreateBody,
        response: { 201: contactSchema },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'contacts.write');
      return reply.status(201).send(presentContact(await createContact(db, p.organizationId, req.body)));
    },
  );

  app.post(
    '/api/v1/contacts/bulk-groups',
    {
      schema: {
        tags,
        summary: 'Add or remove many contacts to or from groups',
        description: 'By a list of ids or by a filter (the same criteria as the list). One statement per group, atomic.',
        body: bulkGroupsBody,
        response: { 200: z.object({ changed: z.number().int().describe('Memberships created or removed.') }) },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'contacts.write');
      const b = req.body;
      const filter = b.contactIds ? { ids: b.contactIds } : { ...b.filter, groupIds: b.filter?.groupIds };
      return changeGroupMembership(db, p.organizationId, b.action, b.groupIds, filter);
    },
  );

  app.get(
    '/api/v1/contacts/:id',
    { schema: { tags, summary: 'Get a contact', params: idParams, response: { 200: contactSchema } } },
    async (req) => {
      const p = requirePermission(req, 'contacts.read');
      return presentContact(await getContact(db, p.organizationId, req.params.id));
    },
  );

  app.patch(
    '/api/v1/contacts/:id',
    {
      schema: {
        tags,
        summary: 'Update a contact',
        description: 'Send only what changes; `null` clears. `groupIds` replaces the contact\'s groups. Required custom fields must be filled in the result.',
        params: idParams,
        body: contactPatchBody,
        response: { 200: contactSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'contacts.write');
      return presentContact(await updateContact(db, p.organizationId, req.params.id, req.body));
    },
  );

  app.delete(
    '/api/v1/contacts/:id',
    {
      schema: {
        tags,
        summary: 'Delete a contact',
        description: 'Deletes the contact with its conversations. To honour a data subject\'s erasure request while keeping statistics, use `POST /api/v1/contacts/{id}/erase`. Audited.',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'contacts.write');
      await deleteContact(deps, p.organizationId, req.params.id, actorOf(p, req.ip));
      return reply.status(204).send(null);
    },
  );
}
