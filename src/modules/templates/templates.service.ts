import { and, eq, inArray } from 'drizzle-orm';
import { GraphApiError } from '../../adapters/whatsapp-cloud/types.ts';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type Channel, campaigns, type MessageTemplateRow, messageTemplates } from '../../db/schema/index.ts';
import { AppError, conflict, pgErrorCode } from '../../shared/errors.ts';
import type { Locale } from '../../shared/i18n.ts';
import { newId } from '../../shared/ids.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { whatsAppConfigOf } from '../channels/channel-credentials.ts';
import { whatsAppClientFor } from '../channels/whatsapp-client.ts';
import { describeLintIssue } from './lint-messages.ts';
import { hasErrors, type LintContext, lintTemplate } from './lint-template.ts';
import { canEdit } from './present-template.ts';
import { type DraftContent, fromMetaComponents, isSupportedContent, toMetaComponents } from './template-components.ts';
import { parameterFormatOf, type TemplateDraft } from './template-draft.ts';
import { renderTemplate, type TemplateParameter, templateParameters } from './template-parameters.ts';
import { findSampleFile, findTemplate, nameTaken, resolveWhatsAppChannel } from './templates.repository.ts';
import type { CreateTemplateBody, UpdateTemplateBody } from './templates.schemas.ts';
import { mapMetaStatus } from './meta-status.ts';
import { graphFailure } from './whatsapp-failure.ts';

/** The linter's verdict with every issue explained, plus the preview and the parameters of the draft. */
export interface LintResult {
  valid: boolean;
  issues: { code: string; path: string; severity: 'error' | 'warning'; message: string; params: Record<string, string | number> }[];
  preview: ReturnType<typeof renderTemplate>;
  parameters: Omit<TemplateParameter, 'buttonIndex'>[];
}

/** Lints a draft as the organization would submit it (the header sample is looked up for its type and size). */
export async function lintDraft(db: Db, organizationId: string, draft: TemplateDraft, locale: Locale): Promise<LintResult> {
  const context = await lintContext(db, organizationId, draft);
  const issues = lintTemplate(draft, context);
  return {
    valid: !hasErrors(issues),
    issues: issues.map((i) => ({ code: i.code, path: i.path, severity: i.severity, message: describeLintIssue(i, locale), params: i.params ?? {} })),
    preview: renderTemplate(draft),
    parameters: templateParameters(draft).map(({ buttonIndex: _, ...p }) => p),
  };
}

async function lintContext(db: Db, organizationId: string, draft: Pick<TemplateDraft, 'header'>): Promise<LintContext> {
  const fileId = draft.header && draft.header.format !== 'text' ? draft.header.example.fileId : undefined;
  if (!fileId) return {};
  const file = await findSampleFile(db, organizationId, fileId);
  return { headerMedia: { mimeType: file.mimeType, size: file.size } };
}

/** Refuses a draft with lint errors: 400 `template_invalid`, each problem under its field. */
async function assertValid(db: Db, organizationId: string, draft: TemplateDraft, locale: Locale): Promise<void> {
  const result = await lintDraft(db, organizationId, draft, locale);
  if (result.valid) return;
  const issues = result.issues.filter((i) => i.severity === 'error').map((i) => ({ path: i.path, message: i.message }));
  throw new AppError('validation', 'template_invalid', 'The template breaks WhatsApp\'s rules; fix the fields listed in `errors`', { issues });
}

/**
 * Lints, submits to Meta through the channel's business account, and stores the template as
 * `pending` (or whatever Meta answered). Nothing is stored when Meta refuses it.
 */
export async function createTemplate(
  deps: Pick<Deps, 'database' | 'secrets' | 'storage'>,
  organizationId: string,
  body: CreateTemplateBody,
  locale: Locale,
  actor: AuditActor,
): Promise<MessageTemplateRow> {
  const db = deps.database.db;
  const channel = await resolveWhatsAppChannel(db, organizationId, body.channelId);
  const { channelId: _, ...draft } = body;
  await assertValid(db, organizationId, draft, locale);
  if (await nameTaken(db, channel.id, draft.name, draft.language)) {
    throw conflict(`A template named ${draft.name} already exists in ${draft.language}`, 'template_name_taken');
  }
  const client = whatsAppClientFor(deps.secrets, channel);
  const handle = await headerHandle(deps, organizationId, channel, draft);
  const components = toMetaComponents(draft, handle);
  const format = parameterFormatOf(draft);
  let created: { id: string; status: string };
  try {
    created = await client.createTemplate({
      name: draft.name,
      language: draft.language,
      category: draft.category.toUpperCase() as 'MARKETING' | 'UTILITY' | 'AUTHENTICATION',
      parameterFormat: format === 'named' ? 'NAMED' : 'POSITIONAL',
      components,
    });
  } catch (err) {
    throw graphFailure(err);
  }
  const now = new Date();
  return db.transaction(async (tx) => {
    try {
      const [row] = await tx
        .insert(messageTemplates)
        .values({
          id: newId(),
          organizationId,
          channelId: channel.id,
          name: draft.name,
          language: draft.language,
          category: draft.category,
          parameterFormat: format,
          status: mapMetaStatus(created.status) ?? 'pending',
          components,
          metaTemplateId: created.id,
          submittedAt: now,
          statusChangedAt: now,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await recordAudit(tx, { organizationId, actor, action: 'template.created', targetType: 'template', targetId: row!.id, data: { name: draft.name, language: draft.language } });
      return row!;
    } catch (err) {
      // A sync running at the same moment may have imported it already.
      if (pgErrorCode(err) === '23505') throw conflict(`A template named ${draft.name} already exists in ${draft.language}`, 'template_name_taken');
      throw err;
    }
  });
}

/**
 * Edits a template with Meta's restrictions: only approved, rejected or paused ones; an approved
 * template keeps its category and allows one edit per 24 hours and ten per 30 days. It goes back to review.
 */
export async function updateTemplate(
  deps: Pick<Deps, 'database' | 'secrets' | 'storage'>,
  organizationId: string,
  id: string,
  body: UpdateTemplateBody,
  locale: Locale,
  actor: AuditActor,
): Promise<MessageTemplateRow> {
  const db = deps.database.db;
  const row = await findTemplate(db, organizationId, id);
  const current = fromMetaComponents(row.components);
  if (!canEdit(row, isSupportedContent(current, row.unsupportedComponents))) {
    const reason = row.status === 'approved' ? 'Meta allows one edit per 24 hours and ten per 30 days for an approved template' : `a ${row.status} template cannot be edited`;
    throw conflict(`This template cannot be edited now: ${reason}`, 'template_not_editable');
  }
  const category = body.category ?? row.category;
  if (row.status === 'approved' && category !== row.category) throw conflict('The category of an approved template cannot be changed', 'template_category_locked');
  const content: DraftContent = {
    header: body.header === undefined ? current.header : body.header,
    body: body.body ?? current.body,
    footer: body.footer === undefined ? current.footer : body.footer,
    buttons: body.buttons ?? current.buttons,
  };
  const draft: TemplateDraft = { name: row.name, language: row.language, category, ...content };
  await assertValid(db, organizationId, draft, locale);
  const channel = await resolveWhatsAppChannel(db, organizationId, row.channelId);
  const components = toMetaComponents(draft, await headerHandle(deps, organizationId, channel, draft));
  try {
    await whatsAppClientFor(deps.secrets, channel).editTemplate(row.metaTemplateId ?? '', {
      components,
      ...(category !== row.category ? { category: category.toUpperCase() as 'MARKETING' | 'UTILITY' | 'AUTHENTICATION' } : {}),
    });
  } catch (err) {
    throw graphFailure(err);
  }
  const now = new Date();
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(messageTemplates)
      .set({
        category,
        components,
        parameterFormat: parameterFormatOf(draft),
        status: 'pending',
        statusReason: null,
        statusDetail: null,
        editHistory: row.status === 'approved' ? [...row.editHistory.slice(-20), now.toISOString()] : row.editHistory,
        submittedAt: now,
        statusChangedAt: now,
        updatedAt: now,
      })
      .where(eq(messageTemplates.id, row.id))
      .returning();
    await recordAudit(tx, { organizationId, actor, action: 'template.updated', targetType: 'template', targetId: row.id, data: { name: row.name } });
    return updated!;
  });
}

/**
 * Deletes a template at Meta (this language only) and here. Refused while a scheduled, running or
 * paused campaign uses it. Meta blocks the name of a deleted approved template for 30 days.
 */
export async function deleteTemplate(deps: Pick<Deps, 'database' | 'secrets'>, organizationId: string, id: string, actor: AuditActor): Promise<void> {
  const db = deps.database.db;
  const row = await findTemplate(db, organizationId, id);
  const [inUse] = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.templateId, row.id), inArray(campaigns.status, ['scheduled', 'sending', 'paused'])))
    .limit(1);
  if (inUse) throw conflict('A scheduled, running or paused campaign uses this template; finish or cancel it first', 'template_in_use');
  const channel = await resolveWhatsAppChannel(db, organizationId, row.channelId);
  try {
    await whatsAppClientFor(deps.secrets, channel).deleteTemplate(row.name, row.metaTemplateId ?? undefined);
  } catch (err) {
    // Already gone at Meta (deleted in its manager): delete it here too.
    const gone = err instanceof GraphApiError && err.code === 100 && /not found|does not exist/i.test(`${err.message} ${err.title ?? ''}`);
    if (!gone) throw graphFailure(err);
  }
  await db.transaction(async (tx) => {
    await tx.delete(messageTemplates).where(eq(messageTemplates.id, row.id));
    await recordAudit(tx, { organizationId, actor, action: 'template.deleted', targetType: 'template', targetId: row.id, data: { name: row.name, language: row.language } });
  });
}

/** Uploads the header's sample file to Meta (media headers given as a Charla file); returns its handle. */
async function headerHandle(deps: Pick<Deps, 'database' | 'secrets' | 'storage'>, organizationId: string, channel: Channel, draft: TemplateDraft): Promise<string | undefined> {
  const header = draft.header;
  if (!header || header.format === 'text') return undefined;
  if (!header.example.fileId) return header.example.handle;
  const file = await findSampleFile(deps.database.db, organizationId, header.example.fileId);
  const appId = whatsAppConfigOf(channel).appId;
  if (!appId) throw new AppError('unprocessable', 'channel_app_id_required', 'Set the channel\'s Meta app ID: WhatsApp needs it to upload header samples');
  const data = await deps.storage.read(file.storageKey);
  try {
    return await whatsAppClientFor(deps.secrets, channel).uploadTemplateSample(appId, data, file.mimeType, file.filename ?? `sample-${file.id}`);
  } catch (err) {
    throw graphFailure(err);
  }
}
