import { z } from 'zod';
import { pageQuery } from '../../shared/pagination.ts';
import type { ContactFilter } from './contact-filter.ts';
import { CONTACT_SORTS } from './contacts.repository.ts';
import type { ContactView } from './contacts.service.ts';

const text = (max: number) => z.string().trim().max(max);
const iso = z.iso.datetime();

/** Contact sources. */
export const contactSourceSchema = z.enum(['whatsapp', 'webchat', 'import', 'api', 'assistant']).describe('Where the contact came from.');
/** Consent states. */
export const consentStateSchema = z.enum(['granted', 'revoked']).nullable().describe('Current consent; null when never recorded.');

const addressSchema = z
  .strictObject({
    street: text(200).nullable().optional().describe('Street and number.'),
    city: text(120).nullable().optional().describe('City.'),
    state: text(120).nullable().optional().describe('State, province or region.'),
    postalCode: text(20).nullable().optional().describe('Postal code.'),
    country: text(80).nullable().optional().describe('Country.'),
  })
  .describe('Postal address; every part optional.');

const customFieldsInput = z
  .record(z.string().max(60), z.union([z.string().max(5000), z.number(), z.null()]))
  .refine((r) => Object.keys(r).length <= 200, 'Too many fields')
  .describe('Custom field values by field key; `null` or `""` clears a value. Required fields must have a value.');

/** Body of `POST /api/v1/contacts`. */
export const contactCreateBody = z.strictObject({
  firstName: text(120).optional().describe('First name.'),
  lastName: text(120).optional().describe('Last name.'),
  phone: z.string().max(40).nullable().optional().describe('Phone in any common format; stored as E.164 using the organization\'s country for numbers without a country code.'),
  email: z.string().max(254).nullable().optional().describe('E-mail address; unique in the organization ignoring case.'),
  address: addressSchema.optional(),
  notes: z.string().max(10_000).optional().describe('Internal notes, visible only to the team.'),
  customFields: customFieldsInput.optional(),
  groupIds: z.array(z.uuid()).max(100).optional().describe('Groups of the contact (replaces the current ones on update).'),
});
/** Body of `PATCH /api/v1/contacts/{id}`: the same fields, all optional. */
export const contactPatchBody = contactCreateBody;

/** A contact as the API returns it. */
export const contactSchema = z.object({
  id: z.uuid().describe('The contact\'s id.'),
  firstName: z.string().describe('First name (may be empty).'),
  lastName: z.string().describe('Last name (may be empty).'),
  phone: z.string().nullable().describe('E.164.'),
  waId: z.string().nullable().describe('WhatsApp id as reported by WhatsApp.'),
  email: z.string().nullable().describe('E-mail address.'),
  hasPhoto: z.boolean().describe('Whether a profile photo was uploaded (`GET /api/v1/contacts/{id}/photo`).'),
  address: z
    .object({
      street: z.string().nullable().describe('Street and number.'),
      city: z.string().nullable().describe('City.'),
      state: z.string().nullable().describe('State, province or region.'),
      postalCode: z.string().nullable().describe('Postal code.'),
      country: z.string().nullable().describe('Country.'),
    })
    .describe('Postal address.'),
  notes: z.string().describe('Internal notes, visible only to the team.'),
  customFields: z.record(z.string(), z.union([z.string(), z.number()])).describe('Values by field key.'),
  groups: z.array(z.object({ id: z.uuid().describe('Group id.'), name: z.string().describe('Group name.') })).describe('Groups of the contact, by name.'),
  source: contactSourceSchema,
  marketingConsent: consentStateSchema,
  serviceConsent: consentStateSchema,
  lastSeenAt: iso.nullable().describe('Last message from the contact.'),
  createdAt: iso.describe('When the contact was added.'),
  updatedAt: iso.describe('Last change.'),
});

/** Presents a contact for the API. */
export function presentContact(c: ContactView): z.infer<typeof contactSchema> {
  return {
    id: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    phone: c.phone,
    waId: c.waId,
    email: c.email,
    hasPhoto: c.photoKey !== null,
    address: { street: c.street, city: c.city, state: c.state, postalCode: c.postalCode, country: c.country },
    notes: c.notes,
    customFields: c.customFields,
    groups: c.groups,
    source: c.source,
    marketingConsent: c.marketingConsent,
    serviceConsent: c.serviceConsent,
    lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

const idList = z
  .union([z.uuid(), z.array(z.uuid()).max(100)])
  .transform((v) => (Array.isArray(v) ? v : [v]));
const fieldMatch = z
  .union([z.string().max(300), z.array(z.string().max(300)).max(20)])
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string().regex(/^[a-z][a-z0-9_]{0,39}:.*$/s, 'Use key:value')));

/** Filter parameters shared by the list, the export and bulk operations (query string form). */
export const contactFilterQuery = z.object({
  q: z.string().trim().max(200).optional().describe('Search: name words (accents and case ignored), part of an e-mail, or a phone in any format.'),
  groupId: idList.optional().describe('Members of this group (repeat for any of several groups).'),
  field: fieldMatch.optional().describe('Custom field value, `key:value` (exact; repeat to require several).'),
  marketingConsent: z.enum(['granted', 'revoked', 'unknown']).optional().describe('Current marketing consent.'),
  source: contactSourceSchema.optional(),
});

/** The same filter in a JSON body (bulk operations). */
export const contactFilterBody = z.strictObject({
  q: z.string().trim().max(200).optional().describe('Search: name words, part of an e-mail, or a phone in any format.'),
  groupIds: z.array(z.uuid()).max(100).optional().describe('Members of any of these groups.'),
  fields: z.record(z.string().max(40), z.union([z.string().max(300), z.number()])).optional().describe('Custom field values that must match exactly, by key.'),
  marketingConsent: z.enum(['granted', 'revoked', 'unknown']).optional().describe('Current marketing consent.'),
  source: contactSourceSchema.optional(),
});

/** Turns the query-string filter into a `ContactFilter`. */
export function filterFromQuery(q: z.infer<typeof contactFilterQuery>): ContactFilter {
  const fields: Record<string, string> = {};
  for (const f of q.field ?? []) {
    const at = f.indexOf(':');
    fields[f.slice(0, at)] = f.slice(at + 1);
  }
  return {
    q: q.q || undefined,
    groupIds: q.groupId,
    fields: Object.keys(fields).length ? fields : undefined,
    marketingConsent: q.marketingConsent,
    source: q.source,
  };
}

/** Query of `GET /api/v1/contacts`. */
export const contactListQuery = pageQuery.extend(contactFilterQuery.shape).extend({
  sort: z.enum(CONTACT_SORTS).default('-createdAt').describe('Sort order; `-` means descending.'),
});

/** Body of `POST /api/v1/contacts/bulk-groups`. */
export const bulkGroupsBody = z
  .strictObject({
    action: z.enum(['add', 'remove']).describe('Add the contacts to the groups, or remove them.'),
    groupIds: z.array(z.uuid()).min(1).max(20).describe('Target groups.'),
    contactIds: z.array(z.uuid()).min(1).max(10_000).optional().describe('These contacts…'),
    filter: contactFilterBody.optional().describe('…or every contact matching this filter (`{}` means all contacts).'),
  })
  .refine((b) => (b.contactIds === undefined) !== (b.filter === undefined), { message: 'Send either contactIds or filter', path: ['contactIds'] });
