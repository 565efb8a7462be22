import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { type CampaignAudience, type CampaignVariableSource, contacts } from '../../db/schema/index.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import type { Locale } from '../../shared/i18n.ts';
import { validationError } from '../../shared/errors.ts';
import { audiencePage } from '../contacts/index.ts';
import { renderTemplate } from '../templates/index.ts';
import { computeStats } from './campaign-stats.ts';
import { audienceCounts, contactsAudience, customFieldKeys, loadCampaignTemplate, templateOf } from './campaign-template.ts';
import { checkMapping, resolveValues, type VariableContact } from './campaign-variables.ts';
import { findCampaign } from './campaigns.repository.ts';
import { presentCampaign } from './present-campaign.ts';

const sentValues = z.object({ campaign: z.object({ values: z.record(z.string(), z.string()) }).loose() }).loose();

/**
 * A campaign with live totals, its settings, and the message as sent: rendered with the values the
 * first recipient actually got (or, before sending, with a sample contact of the audience).
 */
export async function campaignDetails(db: Db, organizationId: string, id: string, locale: Locale) {
  const row = await findCampaign(db, organizationId, id);
  const stats = row.materializedAt ? await computeStats(db, id) : undefined;
  const t = templateOf(row.template);
  const [sent] = await rowsOf<{ payload: Record<string, unknown> }>(
    db,
    sql`select m.payload from campaign_recipients r join messages m on m.id = r.message_id where r.campaign_id = ${id} order by r.id limit 1`,
  );
  let values = sent ? (sentValues.safeParse(sent.payload).data?.campaign.values ?? null) : null;
  if (!values) {
    const [sample] = await audiencePage(db, organizationId, contactsAudience(row.audience, row.template.category), { limit: 1 });
    values = sample ? resolveValues(t.parameters, row.variables, { ...sample, email: sample.email }).values : {};
  }
  const [next] = await rowsOf<{ at: string | null }>(db, sql`select min(next_attempt_at)::text as at from campaign_recipients where campaign_id = ${id} and status = 'failed'`);
  return {
    ...presentCampaign(row, locale, stats),
    preview: renderTemplate(t.content, values),
    nextResendAt: next?.at ? new Date(next.at).toISOString() : null,
    templateParameters: t.parameters.map((p) => ({ key: p.key, kind: p.kind, example: p.example })),
  };
}

/** What the wizard shows before saving: audience counts and exclusions, and a sample contact's message. */
export async function previewCampaign(
  db: Db,
  organizationId: string,
  input: { templateId: string; variables: Record<string, CampaignVariableSource>; audience: CampaignAudience; contactId?: string },
) {
  const t = await loadCampaignTemplate(db, organizationId, input.templateId, false);
  const issues = checkMapping(t.parameters, input.variables, await customFieldKeys(db, organizationId));
  const audience = await audienceCounts(db, organizationId, input.audience, t.snapshot.category);
  let contact: (VariableContact & { id: string; waId?: string | null }) | undefined;
  if (input.contactId) {
    const [row] = await db.select().from(contacts).where(and(eq(contacts.id, input.contactId), eq(contacts.organizationId, organizationId)));
    if (!row) throw validationError('No such contact', [{ path: 'contactId', message: 'Not a contact of this organization' }], 'contact_not_found');
    contact = row;
  } else {
    [contact] = await audiencePage(db, organizationId, contactsAudience(input.audience, t.snapshot.category), { limit: 1 });
  }
  let sample = null;
  if (contact) {
    const phone = contact.phone ?? (contact.waId ? `+${contact.waId}` : null);
    const { values, missing } = resolveValues(t.parameters, input.variables, { ...contact, phone });
    sample = {
      contact: { id: contact.id, name: `${contact.firstName} ${contact.lastName}`.trim() || (phone ?? ''), phone },
      values,
      missing,
      preview: renderTemplate(t.content, values),
    };
  }
  return { audience, sample, issues };
}
