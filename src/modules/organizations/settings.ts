import { z } from 'zod';

/** Languages of the dashboard and the bot's own phrases. */
export const LANGUAGES = ['es', 'pt-BR', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const timezoneSet = new Set(Intl.supportedValuesOf('timeZone'));
timezoneSet.add('UTC');

/**
 * Whether `tz` names an IANA zone. Node's ICU lists some zones only under older names (Asia/Calcutta,
 * not Asia/Kolkata), so any zone name the runtime resolves counts too; offsets like `+03:00` do not.
 */
function isTimeZone(tz: string): boolean {
  if (timezoneSet.has(tz)) return true;
  if (!/^[A-Z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone such as `America/Sao_Paulo`. */
export const timezoneSchema = z
  .string()
  .refine(isTimeZone, { message: 'Unknown IANA time zone (e.g. America/Mexico_City)' })
  .describe('IANA time zone, e.g. `America/Sao_Paulo`.');

/** ISO 3166-1 alpha-2 country code. */
export const countrySchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'Use a two-letter ISO country code, e.g. ES, MX, BR')
  .describe('Two-letter ISO 3166-1 country code; the default region for phone numbers.');

const shortText = (max: number) => z.string().trim().max(max);

/** A postal address; every part optional. */
export const addressSchema = z
  .strictObject({
    street: shortText(200).nullable().optional().describe('Street and number.'),
    city: shortText(120).nullable().optional().describe('City.'),
    state: shortText(120).nullable().optional().describe('State, province or region.'),
    postalCode: shortText(20).nullable().optional().describe('Postal code.'),
    country: shortText(80).nullable().optional().describe('Country name as written on the address.'),
  })
  .describe('Postal address.');

export const NOTIFICATION_SOUNDS = ['chime', 'pop', 'bell', 'ding'] as const;

/** Organization-wide settings owned by modules; each sub-object has complete defaults. */
export const orgSettingsSchema = z.strictObject({
  notifications: z
    .strictObject({
      soundEnabled: z.boolean().default(true).describe('Play a sound when a new message arrives in the inbox.'),
      sound: z.enum(NOTIFICATION_SOUNDS).default('chime').describe('Which notification sound to play.'),
      volume: z.number().min(0).max(1).default(0.7).describe('Notification volume from 0 to 1.'),
    })
    .prefault({})
    .describe('Inbox notification sound.'),
  campaigns: z
    .strictObject({
      resendEnabled: z.boolean().default(true).describe('Automatically resend campaign messages that failed for a retryable reason.'),
      retryIntervalsHours: z
        .array(z.number().positive().max(168))
        .min(1)
        .max(10)
        .refine((a) => a.every((v, i) => i === 0 || v > a[i - 1]!), { message: 'Intervals must increase' })
        .default([1, 3, 6])
        .describe('Hours after the first attempt at which each resend happens, increasing (default 1, 3, 6).'),
      moveFailedToGroup: z.boolean().default(false).describe('After the last attempt, add contacts that still failed to a group.'),
      failedGroupId: z.uuid().nullable().default(null).describe('The group that receives failed contacts.'),
    })
    .prefault({})
    .refine((c) => !c.moveFailedToGroup || c.failedGroupId, {
      message: 'Choose the group for failed contacts',
      path: ['failedGroupId'],
    })
    .describe('Campaign resend settings.'),
  tickets: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Use tickets: conversations are unassigned, open or closed.'),
      autoAssignment: z.enum(['off', 'round_robin']).default('off').describe('Assign new conversations automatically among active agents.'),
      reassignReopened: z.boolean().default(false).describe('Send a reopened conversation through assignment again instead of back to its previous agent.'),
      agentsSeeUnassigned: z.boolean().default(true).describe('Agents may see and pick up unassigned conversations.'),
    })
    .prefault({})
    .describe('Ticket and assignment settings.'),
  contacts: z
    .strictObject({
      optOutKeywords: z
        .array(z.string().trim().min(1).max(40))
        .max(50)
        .default(['STOP', 'PARAR', 'SAIR', 'BAJA', 'CANCELAR', 'UNSUBSCRIBE', 'DESCADASTRAR'])
        .describe('An inbound message that is exactly one of these words (case, accents and punctuation ignored) revokes the contact\'s marketing consent.'),
    })
    .prefault({})
    .describe('Contact settings.'),
});
export type OrgSettings = z.infer<typeof orgSettingsSchema>;

/**
 * Fills defaults into whatever is stored (older rows may lack newer keys). Unknown sections and keys
 * are dropped and a stored value this version cannot read falls back to its default — key by key, so
 * one stale key never resets the rest of an organization's settings.
 */
export function normalizeSettings(stored: unknown): OrgSettings {
  const src = isRecord(stored) ? stored : {};
  const out: Record<string, unknown> = {};
  for (const [name, section] of Object.entries(orgSettingsSchema.shape)) {
    const value = src[name];
    if (!isRecord(value)) continue;
    const kept: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(section.unwrap().shape)) {
      if (key in value && field.safeParse(value[key]).success) kept[key] = value[key];
    }
    if (section.safeParse(kept).success) out[name] = kept;
  }
  const result = orgSettingsSchema.safeParse(out);
  return result.success ? result.data : orgSettingsSchema.parse({});
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
