import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { type CampaignAudience, type CampaignTemplateSnapshot, contactFields, type MessageTemplateRow, messageTemplates } from '../../db/schema/index.ts';
import { AppError, validationError } from '../../shared/errors.ts';
import { type Audience, audienceWhere, countAudience } from '../contacts/index.ts';
import { type DraftContent, fromMetaComponents, type TemplateParameter, templateParameters } from '../templates/index.ts';

/** A campaign's template, ready to render and send. */
export interface CampaignTemplate {
  snapshot: CampaignTemplateSnapshot;
  content: DraftContent;
  parameters: TemplateParameter[];
}

/** The template parts of a stored snapshot. */
export function templateOf(snapshot: CampaignTemplateSnapshot): CampaignTemplate {
  const content = fromMetaComponents(snapshot.components);
  return { snapshot, content, parameters: templateParameters(content) };
}

/**
 * The organization's template for a campaign. With `requireApproved`, refuses (422) templates that are
 * not approved, that Charla cannot send (flows, carousels…) or that are for one-time codes.
 */
export async function loadCampaignTemplate(db: Db, organizationId: string, templateId: string, requireApproved: boolean): Promise<{ row: MessageTemplateRow } & CampaignTemplate> {
  const [row] = await db
    .select()
    .from(messageTemplates)
    .where(and(eq(messageTemplates.id, templateId), eq(messageTemplates.organizationId, organizationId)));
  if (!row) throw validationError('No such template', [{ path: 'templateId', message: 'Not a template of this organization' }], 'template_not_found');
  if (requireApproved) {
    if (row.status !== 'approved') {
      throw new AppError('unprocessable', 'template_not_approved', `The template "${row.name}" is ${row.status}: only templates Meta approved can be sent. Choose an approved template or wait for the review.`);
    }
    if (row.category === 'authentication') {
      throw new AppError('unprocessable', 'template_not_for_campaigns', 'Authentication templates carry one-time codes and cannot be sent as a campaign');
    }
    if (row.unsupportedComponents.length || fromMetaComponents(row.components).buttons?.some((b) => b.type === 'unsupported')) {
      throw new AppError('unprocessable', 'template_not_supported', `The template "${row.name}" uses parts Charla cannot send (flows, carousels…)`);
    }
  }
  const snapshot: CampaignTemplateSnapshot = {
    name: row.name,
    language: row.language,
    category: row.category,
    parameterFormat: row.parameterFormat,
    components: row.components,
  };
  return { row, ...templateOf(snapshot) };
}

/** Custom field keys of the organization (what `custom` variable sources may name). */
export async function customFieldKeys(db: Db, organizationId: string): Promise<Set<string>> {
  const rows = await db.select({ key: contactFields.key }).from(contactFields).where(eq(contactFields.organizationId, organizationId));
  return new Set(rows.map((r) => r.key));
}

/**
 * The contacts module's audience for a campaign: marketing templates reach only contacts who granted
 * marketing consent; other categories skip only contacts who revoked it. Contacts need a WhatsApp number.
 */
export function contactsAudience(audience: CampaignAudience, category: CampaignTemplateSnapshot['category'], consent?: Audience['consent'], requirePhone = true): Audience {
  const wanted = consent ?? (category === 'marketing' ? 'granted' : 'not_revoked');
  if (audience.kind === 'all') return { consent: wanted, requirePhone };
  if (audience.kind === 'groups') return { groupIds: audience.groupIds, consent: wanted, requirePhone };
  const { groupIds, ...filter } = audience.filter;
  return { groupIds, filter, consent: wanted, requirePhone };
}

/** How many contacts the audience matches, and how many are left out for lack of a number or of consent. */
export async function audienceCounts(db: Db, organizationId: string, audience: CampaignAudience, category: CampaignTemplateSnapshot['category']) {
  const total = await countAudience(db, organizationId, contactsAudience(audience, category, 'any', false));
  const withPhone = await countAudience(db, organizationId, contactsAudience(audience, category, 'any', true));
  const recipients = await countAudience(db, organizationId, contactsAudience(audience, category));
  return { total, excludedNoPhone: total - withPhone, excludedNoConsent: withPhone - recipients, recipients };
}

/** The SQL condition on `contacts` selecting a campaign's recipients. */
export function recipientsWhere(db: Db, organizationId: string, audience: CampaignAudience, category: CampaignTemplateSnapshot['category']) {
  return audienceWhere(db, organizationId, contactsAudience(audience, category));
}

/** Group ids of an audience must belong to the organization (another organization's look missing). */
export function audienceGroupIds(audience: CampaignAudience): string[] {
  if (audience.kind === 'groups') return audience.groupIds;
  if (audience.kind === 'filter') return audience.filter.groupIds ?? [];
  return [];
}
