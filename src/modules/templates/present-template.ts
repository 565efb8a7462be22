import type { MessageTemplateRow } from '../../db/schema/index.ts';
import type { Locale } from '../../shared/i18n.ts';
import { fromMetaComponents, isSupportedContent } from './template-components.ts';
import { renderTemplate, templateParameters } from './template-parameters.ts';
import type { TemplateView } from './templates.schemas.ts';
import { explainTemplateStatus } from './templates.i18n.ts';

const DAY_MS = 24 * 3600_000;
/** Meta: approved templates allow 1 edit per 24 hours and 10 per 30 days. */
export const EDIT_LIMITS = { perDay: 1, perMonth: 10 };

/** Whether Meta would accept an edit now (status and, for approved templates, the edit budget). */
export function canEdit(row: Pick<MessageTemplateRow, 'status' | 'editHistory'>, supported: boolean, now = Date.now()): boolean {
  if (!supported || !['approved', 'rejected', 'paused'].includes(row.status)) return false;
  if (row.status !== 'approved') return true;
  const times = row.editHistory.map((d) => Date.parse(d));
  return times.filter((t) => now - t < DAY_MS).length < EDIT_LIMITS.perDay && times.filter((t) => now - t < 30 * DAY_MS).length < EDIT_LIMITS.perMonth;
}

/** A stored template as the API shows it. */
export function presentTemplate(row: MessageTemplateRow, locale: Locale): TemplateView {
  const content = fromMetaComponents(row.components);
  const supported = isSupportedContent(content, row.unsupportedComponents);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    channelId: row.channelId,
    name: row.name,
    language: row.language,
    category: row.category,
    status: row.status,
    statusReason: row.statusReason,
    statusDetail: row.statusDetail,
    statusExplanation: explainTemplateStatus(row.status, row.statusReason, locale),
    quality: row.quality,
    parameterFormat: row.parameterFormat,
    metaTemplateId: row.metaTemplateId,
    header: content.header ?? null,
    body: content.body,
    footer: content.footer ?? null,
    buttons: content.buttons ?? [],
    parameters: templateParameters(content).map(({ buttonIndex: _, ...p }) => p),
    preview: renderTemplate(content),
    supported,
    editable: canEdit(row, supported),
    lastSyncedAt: iso(row.lastSyncedAt),
    submittedAt: iso(row.submittedAt),
    statusChangedAt: iso(row.statusChangedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
