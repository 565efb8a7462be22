import { z } from 'zod';
import { countrySchema, LANGUAGES, timezoneSchema } from '../organizations/settings.ts';
import { passwordSchema } from './passwords.ts';
import { PERMISSIONS, ROLES } from './policy.ts';

const email = z
  .email('Enter a valid e-mail address')
  .max(254)
  .transform((e) => e.trim())
  .describe('E-mail address.');
const personName = z.string().trim().min(1, 'Required').max(120).describe('Full name.');
const iso = z.iso.datetime();

export const roleSchema = z.enum(ROLES).describe('`owner`: everything. `manager`: everything except organization settings, roles, API keys and the audit log. `agent`: their own (and, if allowed, unassigned) conversations and contacts.');
export const languageSchema = z.enum(LANGUAGES).describe('Interface language: `es`, `pt-BR` or `en`.');

export const setupBody = z.strictObject({
  organizationName: z.string().trim().min(1, 'Required').max(120).describe('Name of the business.'),
  name: personName,
  email,
  password: passwordSchema,
  language: languageSchema.default('es'),
  timezone: timezoneSchema.optional(),
  country: countrySchema.optional(),
  demo: z.boolean().default(false).describe('Fill the organization with demo data to explore Charla.'),
});

export const loginBody = z.strictObject({ email, password: z.string().min(1, 'Required').max(200).describe('The account\'s password.') });

/** The signed-in person, as sessions and `/me` show them. */
const userSchema = z
  .object({
    id: z.uuid().describe('User id.'),
    email: z.string().describe('E-mail address (also the sign-in name).'),
    name: z.string().describe('Full name.'),
    locale: languageSchema.nullable().describe('Preferred interface language; null follows the organization\'s.'),
  })
  .describe('The signed-in person.');

export const sessionResponse = z.object({
  user: userSchema,
  activeOrganizationId: z.uuid().nullable().describe('The organization the session acts in.'),
  organizations: z
    .array(
      z.object({
        id: z.uuid().describe('Organization id.'),
        name: z.string().describe('Organization name.'),
        role: roleSchema,
      }),
    )
    .describe('Organizations the user is an active member of.'),
  csrfToken: z.string().describe('Send as `X-CSRF-Token` on state-changing requests made with the session cookie.'),
});

export const meResponse = z.object({
  kind: z.enum(['user', 'apiKey']).describe('Whether the caller is a signed-in member or an API key.'),
  user: userSchema.nullable().describe('The signed-in person; null for an API key.'),
  apiKey: z
    .object({ id: z.uuid().describe('API key id.'), name: z.string().describe('The name given to the key.') })
    .nullable()
    .describe('The API key making the request; null for a signed-in person.'),
  organization: z
    .object({
      id: z.uuid().describe('Organization id.'),
      name: z.string().describe('Organization name.'),
      locale: languageSchema,
      timezone: z.string().describe('IANA time zone of the organization.'),
    })
    .describe('The organization the caller acts in.'),
  role: roleSchema,
  permissions: z.array(z.enum(PERMISSIONS)).describe('What the caller may do; the dashboard hides the rest.'),
});

export const updateMeBody = z.strictObject({
  name: personName.optional(),
  locale: languageSchema.nullable().optional(),
});

export const changePasswordBody = z.strictObject({ currentPassword: z.string().min(1).max(200).describe('The password in use now.'), newPassword: passwordSchema });
export const resetRequestBody = z.strictObject({ email });
export const resetConfirmBody = z.strictObject({ token: z.string().min(10).max(200).describe('The token from the reset link.'), password: passwordSchema });
export const switchOrgBody = z.strictObject({ organizationId: z.uuid().describe('An organization the user is an active member of.') });
export const createOrgBody = z.strictObject({
  name: z.string().trim().min(1, 'Required').max(120).describe('Name of the new organization.'),
  language: languageSchema.default('es'),
  timezone: timezoneSchema.optional(),
  country: countrySchema.optional(),
});

export const memberSchema = z.object({
  id: z.uuid().describe('Membership id (use it to change role or status).'),
  userId: z.uuid().describe('The person\'s user id (the same in every organization).'),
  name: z.string().describe('Full name (empty until an invitation is accepted).'),
  email: z.string().describe('E-mail address.'),
  role: roleSchema,
  status: z.enum(['invited', 'active', 'disabled']).describe('`invited` until the invitation is accepted.'),
  lastLoginAt: iso.nullable().describe('Last sign-in, in any organization.'),
  createdAt: iso.describe('When the person was invited or added.'),
  updatedAt: iso.describe('Last change of role or status.'),
});

export const memberPatch = z
  .strictObject({
    role: roleSchema.optional(),
    status: z.enum(['active', 'disabled']).optional().describe('Disable to revoke access at once; enable to restore it.'),
  })
  .refine((p) => p.role !== undefined || p.status !== undefined, { message: 'Send role or status' });

export const invitationSchema = z.object({
  id: z.uuid().describe('Invitation id.'),
  email: z.string().describe('Who was invited.'),
  role: roleSchema,
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']).describe('`pending` until accepted, revoked or past `expiresAt`.'),
  expiresAt: iso.describe('The link stops working at this time.'),
  createdAt: iso.describe('When the invitation was sent.'),
});

export const inviteBody = z.strictObject({
  email,
  role: roleSchema.default('agent'),
  language: languageSchema.optional().describe('Language of the invitation e-mail (defaults to the organization\'s).'),
});

export const invitationLookup = z.object({
  email: z.string().describe('Who was invited.'),
  role: roleSchema,
  organizationName: z.string().describe('The organization the invitation is for.'),
  language: languageSchema,
  needsPassword: z.boolean().describe('False when the person already has an account: they confirm with their password.'),
  name: z.string().describe('The person\'s name, if their account already has one.'),
  expiresAt: iso.describe('The link stops working at this time.'),
});

export const acceptBody = z.strictObject({
  token: z.string().min(10).max(200).describe('The token from the invitation link.'),
  name: personName.optional(),
  password: passwordSchema,
});

export const apiKeySchema = z.object({
  id: z.uuid().describe('API key id.'),
  name: z.string().describe('What the key is for.'),
  prefix: z.string().describe('Visible start of the key (`chk_<prefix>_…`), to tell keys apart.'),
  lastUsedAt: iso.nullable().describe('Last use, to the minute.'),
  revokedAt: iso.nullable().describe('When the key was revoked; null while it works.'),
  createdAt: iso.describe('When the key was created.'),
});
export const createApiKeyBody = z.strictObject({ name: z.string().trim().min(1, 'Required').max(80).describe('What the key is for, e.g. "Shop integration".') });
