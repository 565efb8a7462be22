import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { languageSchema } from '../identity/identity.schemas.ts';
import { actorOf } from '../identity/team.routes.ts';
import { getOrganization, type OrganizationView, updateOrganization } from './organizations.service.ts';
import { addressSchema, countrySchema, orgSettingsSchema, timezoneSchema } from './settings.ts';

const organizationSchema = z.object({
  id: z.uuid().describe('Organization id.'),
  name: z.string().describe('Name of the business.'),
  timezone: z.string().describe('IANA time zone; schedules and reports use it.'),
  locale: languageSchema.describe('Default language for new members, e-mails and the assistant.'),
  country: z.string().nullable().describe('Default country for phone numbers.'),
  address: addressSchema,
  settings: orgSettingsSchema.describe('Settings of each module, with defaults filled in.'),
  createdAt: z.iso.datetime().describe('When the organization was created.'),
  updatedAt: z.iso.datetime().describe('Last change of the profile or settings.'),
});

type WithoutDefault<T> = T extends z.ZodDefault<infer Inner> ? Inner : T;

/**
 * A settings section as a PATCH body: every key optional and without its default. (`.partial()` keeps
 * the defaults, and zod applies them to keys that were not sent, so changing the volume would reset
 * the sound.) Descriptions are kept for the reference.
 */
function sectionPatch<Shape extends z.ZodRawShape>(section: z.ZodObject<Shape>) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(section.shape)) {
    const inner = field instanceof z.ZodDefault ? field.unwrap() : field;
    if (!(field instanceof z.ZodType) || !(inner instanceof z.ZodType)) throw new Error(`settings field ${key} is not a zod schema`);
    shape[key] = inner.optional().describe(field.description ?? key);
  }
  // The loop above builds exactly this type; TypeScript cannot follow it through Object.entries.
  return z.strictObject(shape) as unknown as z.ZodObject<{ [K in keyof Shape]: z.ZodOptional<WithoutDefault<Shape[K]>> }, z.core.$strict>;
}

const settingsPatch = z.strictObject({
  notifications: sectionPatch(orgSettingsSchema.shape.notifications.unwrap()).optional().describe('Inbox notification sound.'),
  campaigns: sectionPatch(orgSettingsSchema.shape.campaigns.unwrap()).optional().describe('Campaign resend settings.'),
  tickets: sectionPatch(orgSettingsSchema.shape.tickets.unwrap()).optional().describe('Ticket and assignment settings.'),
  contacts: sectionPatch(orgSettingsSchema.shape.contacts.unwrap()).optional().describe('Contact settings.'),
});

const organizationPatch = z.strictObject({
  name: z.string().trim().min(1, 'Required').max(120).optional().describe('Name of the business.'),
  timezone: timezoneSchema.optional(),
  locale: languageSchema.optional(),
  country: countrySchema.nullable().optional(),
  address: addressSchema.optional(),
  settings: settingsPatch.optional().describe('Only the sections and keys you send change.'),
});

const present = (o: OrganizationView) => ({ ...o, createdAt: o.createdAt.toISOString(), updatedAt: o.updatedAt.toISOString() });
const tags = ['Organization'];

/** The current organization's profile and settings. */
export function registerOrganizationRoutes(app: App, deps: Deps) {
  app.get(
    '/api/v1/organization',
    { schema: { tags, summary: 'Get the organization and its settings', response: { 200: organizationSchema } } },
    async (req) => {
      const p = requirePermission(req, 'organization.read');
      return present(await getOrganization(deps.database.db, p.organizationId));
    },
  );

  app.patch(
    '/api/v1/organization',
    {
      schema: {
        tags,
        summary: 'Update the organization and its settings',
        description: 'Owners only. Partial: send only what changes. Audited.',
        body: organizationPatch,
        response: { 200: organizationSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'organization.update');
      return present(await updateOrganization(deps.database.db, p.organizationId, req.body, actorOf(p, req.ip)));
    },
  );
}
