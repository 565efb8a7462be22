import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { actorOf } from '../identity/team.routes.ts';
import { createField, deleteField, getField, listFields, updateField } from './contact-fields.service.ts';
import type { FieldRow } from './contacts.repository.ts';

const component = z.enum(['input', 'select', 'textarea']).describe('Form component: a one-line input, a select box with options, or a text area.');
const inputType = z.enum(['text', 'number', 'email']).describe('For `input`: the kind of value.');
const position = z.enum(['before_address', 'after_address']).describe('Where the field appears in the contact form.');
const options = z.array(z.string().trim().min(1).max(100)).max(100).describe('For `select`: the options, in order.');
const label = z.string().trim().min(1, 'Required').max(80).describe('What agents see, e.g. "Tipo de cliente".');

const fieldSchema = z.object({
  id: z.uuid().describe('The field\'s id.'),
  key: z.string().describe('Stable key used in the API (`customFields.<key>`), imports and exports.'),
  label: z.string().describe('What agents see.'),
  component,
  inputType: inputType.nullable(),
  options: z.array(z.string()).describe('For `select`: the options, in order.'),
  required: z.boolean().describe('Contacts cannot be saved (API, dashboard, imports) without a value.'),
  position,
  sortOrder: z.number().int().describe('Order within its position (ascending).'),
  createdAt: z.iso.datetime().describe('When the field was created.'),
  updatedAt: z.iso.datetime().describe('Last change.'),
});

const fieldBody = z.strictObject({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'Lower-case letters, digits and _, starting with a letter')
    .optional()
    .describe('Defaults to one derived from the label.'),
  label,
  component,
  inputType: inputType.nullable().optional(),
  options: options.optional(),
  required: z.boolean().optional().describe('Contacts cannot be saved without a value.'),
  position: position.optional(),
  sortOrder: z.number().int().min(0).max(10_000).optional().describe('Order within its position (ascending).'),
});

const fieldPatch = z.strictObject({
  label: label.optional(),
  component: component.optional(),
  inputType: inputType.nullable().optional(),
  options: options.optional(),
  required: z.boolean().optional().describe('Contacts cannot be saved without a value.'),
  position: position.optional(),
  sortOrder: z.number().int().min(0).max(10_000).optional().describe('Order within its position (ascending).'),
});

const present = (f: FieldRow) => ({
  id: f.id,
  key: f.key,
  label: f.label,
  component: f.component,
  inputType: f.inputType,
  options: f.options,
  required: f.required,
  position: f.position,
  sortOrder: f.sortOrder,
  createdAt: f.createdAt.toISOString(),
  updatedAt: f.updatedAt.toISOString(),
});
const tags = ['Contact fields'];

/** `/api/v1/contact-fields`: the organization's custom contact fields. */
export function registerContactFieldRoutes(app: App, deps: Deps) {
  const db = deps.database.db;
  app.get(
    '/api/v1/contact-fields',
    { schema: { tags, summary: 'List custom contact fields', description: 'In form order.', response: { 200: z.object({ items: z.array(fieldSchema).describe('The fields in form order.') }) } } },
    async (req) => {
      const p = requirePermission(req, 'contacts.read');
      return { items: (await listFields(db, p.organizationId)).map(present) };
    },
  );

  app.post(
    '/api/v1/contact-fields',
    { schema: { tags, summary: 'Create a custom contact field', body: fieldBody, response: { 201: fieldSchema } } },
    async (req, reply) => {
      const p = requirePermission(req, 'contacts.fields');
      return reply.status(201).send(present(await createField(db, p.organizationId, req.body, actorOf(p, req.ip))));
    },
  );

  app.get(
    '/api/v1/contact-fields/:id',
    { schema: { tags, summary: 'Get a custom contact field', params: idParams, response: { 200: fieldSchema } } },
    async (req) => {
      const p = requirePermission(req, 'contacts.read');
      return present(await getField(db, p.organizationId, req.params.id));
    },
  );

  app.patch(
    '/api/v1/contact-fields/:id',
    {
      schema: {
        tags,
        summary: 'Change a custom contact field',
        description:
          'Changing the component, input type or options checks every stored value: if some do not fit, nothing changes and the 409 `contact_field_values_conflict` lists them in `errors` (`path` `contacts.<id>`). The key never changes.',
        params: idParams,
        body: fieldPatch,
        response: { 200: fieldSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'contacts.fields');
      return present(await updateField(db, p.organizationId, req.params.id, req.body, actorOf(p, req.ip)));
    },
  );

  app.delete(
    '/api/v1/contact-fields/:id',
    { schema: { tags, summary: 'Delete a custom contact field', description: 'Its values are removed from every contact. Audited.', params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      const p = requirePermission(req, 'contacts.fields');
      await deleteField(db, p.organizationId, req.params.id, actorOf(p, req.ip));
      return reply.status(204).send(null);
    },
  );
}
