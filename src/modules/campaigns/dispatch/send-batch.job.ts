import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../../container.ts';
import type { Db } from '../../../db/client.ts';
import { type CampaignRow, campaigns, channels } from '../../../db/schema/index.ts';
import { rowsOf } from '../../../jobs/pg-queue.ts';
import { defineJob, type JobHandler } from '../../../jobs/queue.ts';
import { RetryableError } from '../../../shared/errors.ts';
import { whatsAppClientFor } from '../../channels/whatsapp-client.ts';
import { loadInboxSettings } from '../../inbox/inbox-settings.ts';
import { pauseForError, syncRecipientsWithMessages } from '../campaign-hooks.ts';
import { finishIfDone, publishProgressThrottled } from '../campaign-progress.ts';
import { templateOf } from '../campaign-template.ts';
import { type ClaimedSend, claimInFlight, claimPending } from './claim-batch.ts';
import { deliverBatch, PACING_HEADROOM } from './deliver-batch.ts';
import { recordAccepted, recordRefused, releaseUnsent } from './record-sends.ts';

/** This process's recent claim time (moving average): a batch claims that long (and a margin) before its slots. */
let claimMs = 300;
const recordClaimTime = (ms: number) => {
  claimMs = claimMs * 0.8 + ms * 0.2;
};
const claimLead = () => Math.min(5_000, Math.max(300, Math.round(claimMs * 1.5 + 100)));

/**
 * Sends one batch of a campaign. Idempotent: it only claims `pending` recipients of its batch, and a
 * recipient left `sending` by a run that died is sent again only when its message never got a
 * WhatsApp id within the in-doubt grace (Meta's status webhook carries our message id back, so an
 * accepted send is recognised even when its answer was lost). Nothing is sent unless the campaign is
 * `sending`.
 */
export const sendBatchJob = defineJob({
  name: 'campaigns.send-batch',
  payload: z.object({ campaignId: z.uuid(), batch: z.number().int().min(1) }),
  maxAttempts: 20,
  backoff: { baseMs: 2_000, maxMs: 60_000 },
  leaseMs: 30_000,
});

/** The handler. */
export function sendBatchHandler(deps: Pick<Deps, 'database' | 'secrets' | 'rateLimiter' | 'logger' | 'config'>): JobHandler<{ campaignId: string; batch: number }> {
  return async ({ campaignId, batch }, ctx) => {
    const db = deps.database.db;
    const [found] = await db.select({ campaign: campaigns, channel: channels }).from(campaigns).innerJoin(channels, eq(channels.id, campaigns.channelId)).where(eq(campaigns.id, campaignId));
    if (found?.campaign.status !== 'sending') return;
    const { campaign, channel } = found;
    if (channel.status !== 'active' || channel.deletedAt || channel.type !== 'whatsapp') {
      await pauseForError(db, campaign.id, 'channel_unavailable', null);
      return;
    }
    let client: ReturnType<typeof whatsAppClientFor>;
    try {
      client = whatsAppClientFor(deps.secrets, channel);
    } catch {
      await pauseForError(db, campaign.id, 'credentials_unreadable', null);
      return;
    }
    const template = templateOf(campaign.template);
    const grace = deps.config.campaigns.inDoubtGraceMs;

    const key = `wa:${channel.id}`;
    const rate = Math.max(1, channel.throughputMps * PACING_HEADROOM);
    // Sends an earlier run left in flight, then this batch's pending recipients. Slots are booked before
    // the claim and the claim waits for them, so recipients are claimed (and become "in doubt" should the
    // worker die) only moments before they are sent — not while queueing behind other batches.
    const { resend, waitMs } = await db.transaction(async (tx) => settleInFlight(tx, campaign, batch, grace));
    const [{ n: pending } = { n: 0 }] = await rowsOf<{ n: number }>(
      db,
      sql`select count(*)::int as n from campaign_recipients where campaign_id = ${campaign.id} and batch = ${batch} and status = 'pending'`,
    );
    let bookedFrom: number | undefined;
    const slots = pending + resend.length;
    if (slots > 0) {
      const wait = await deps.rateLimiter.reserve(key, rate, slots);
      bookedFrom = Date.now() + wait;
      const lead = claimLead();
      if (wait > lead) await sleep(wait - lead, ctx.signal);
      const [now] = await db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, campaign.id));
      if (now?.status !== 'sending') return;
    }
    const claimStarted = Date.now();
    const claimed = pending ? await db.transaction((tx) => claimPending(tx, campaign, batch, template)) : [];
    if (pending) recordClaimTime(Date.now() - claimStarted);
    const sends = [...resend, ...claimed];
    // A claim that finished after its slots began would fire a burst over the number's limit (and
    // draw 130429s): give those slots up and book fresh ones instead.
    if (bookedFrom !== undefined && Date.now() > bookedFrom + 50) bookedFrom = undefined;

    if (sends.length) {
      let sending = true;
      const watch = setInterval(() => {
        void db
          .select({ status: campaigns.status })
          .from(campaigns)
          .where(eq(campaigns.id, campaign.id))
          .then(([row]) => {
            sending = row?.status === 'sending';
          })
          .catch(() => {});
      }, 500);
      let outcome: Awaited<ReturnType<typeof deliverBatch>>;
      try {
        outcome = await deliverBatch(sends, {
          client,
          rateLimiter: deps.rateLimiter,
          key,
          ratePerSecond: rate,
          signal: ctx.signal,
          stillSending: () => sending,
          bookedFrom,
        });
      } finally {
        clearInterval(watch);
      }
      const { locale } = await loadInboxSettings(db, campaign.organizationId);
      await db.transaction(async (tx) => {
        await recordAccepted(tx, campaign, outcome.accepted, locale);
        await recordRefused(tx, outcome.refused);
        // A resent in-doubt message keeps its row: never released, so it cannot be lost.
        await releaseUnsent(tx, campaign.id, outcome.unsent.filter((s) => !s.inDoubt).map((s) => s.messageId));
        if (outcome.pause) await pauseForError(tx, campaign.id, outcome.pause.code, outcome.pause.detail);
      });
      if (outcome.pause) deps.logger.warn({ campaignId: campaign.id, code: outcome.pause.code }, 'campaign paused by an account-level WhatsApp error');
    }
    const finished = await finishIfDone(db, campaign.id);
    await publishProgressThrottled(db, finished ? { id: campaign.id, organizationId: campaign.organizationId, status: 'finished' } : campaign);
    if (waitMs !== null) throw new RetryableError('waiting for in-doubt sends to be confirmed by status webhooks', waitMs);
  };
}

/**
 * Settles recipients of the batch left `sending`: those whose message has a WhatsApp id (recorded
 * late, or adopted from a status webhook through its callback data) or failed take its state. A
 * still-queued message may or may not have reached Meta: the first time one is seen, it gets a
 * deadline one grace period away (`next_attempt_at`), long enough for Meta's retried status webhooks
 * to arrive after a restart; only unconfirmed past the deadline is it sent again (`waitMs` until then).
 */
async function settleInFlight(tx: Db, campaign: CampaignRow, batch: number, graceMs: number) {
  const inFlight = await claimInFlight(tx, campaign, batch);
  const settled = inFlight.filter((s) => s.providerId !== null || s.messageStatus !== 'queued');
  if (settled.length) {
    const ids = `{${settled.map((s) => s.recipientId).join(',')}}`;
    await syncRecipientsWithMessages(tx, sql`r.id = any(${ids}::uuid[])`);
  }
  const now = Date.now();
  const resend: ClaimedSend[] = [];
  const firstSeen: string[] = [];
  let waitMs: number | null = null;
  for (const s of inFlight) {
    if (s.providerId !== null || s.messageStatus !== 'queued') continue;
    if (!s.resendAfter) {
      firstSeen.push(s.recipientId);
      waitMs = Math.max(waitMs ?? 0, graceMs + 500);
    } else if (s.resendAfter.getTime() <= now) resend.push(s);
    else waitMs = Math.max(waitMs ?? 0, s.resendAfter.getTime() - now + 500);
  }
  if (firstSeen.length) {
    await tx.execute(sql`update campaign_recipients set next_attempt_at = now() + make_interval(secs => ${graceMs / 1000}), updated_at = now()
                         where id = any(${`{${firstSeen.join(',')}}`}::uuid[]) and status = 'sending'`);
  }
  if (resend.length) {
    await tx.execute(sql`update campaign_recipients set next_attempt_at = null, updated_at = now()
                         where id = any(${`{${resend.map((s) => s.recipientId).join(',')}}`}::uuid[])`);
  }
  return { resend, waitMs };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
