import type { CampaignRow, CampaignStats } from '../../db/schema/index.ts';
import type { Locale } from '../../shared/i18n.ts';
import { ratesOf, statsOf } from './campaign-stats.ts';
import type { CampaignView } from './campaigns.schemas.ts';
import { describeFailure } from './campaigns.i18n.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A campaign as the API shows it; `stats` are the live totals when given, else the stored ones. */
export function presentCampaign(row: CampaignRow, locale: Locale, live?: CampaignStats): CampaignView {
  const stats = live ?? statsOf(row.stats);
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    channelId: row.channelId,
    templateId: row.templateId,
    template: { name: row.template.name, language: row.template.language, category: row.template.category },
    audience: row.audience,
    variables: row.variables,
    scheduledAt: iso(row.scheduledAt),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    pausedAt: iso(row.pausedAt),
    cancelledAt: iso(row.cancelledAt),
    pauseReason: row.pauseReasonCode ? { code: row.pauseReasonCode, message: describeFailure(row.pauseReasonCode, row.pauseReasonDetail, locale) ?? row.pauseReasonCode } : null,
    excluded: { noConsent: row.excludedNoConsent, noPhone: row.excludedNoPhone },
    stats,
    rates: ratesOf(stats),
    createdBy: row.createdByLabel,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
