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
  // Half of a worker's slots at most: a few batches keep a number at its limit (they share its pace), and
  // when a campaign falls behind, the rest of its batches, all due, must not keep customers' messages,
  // status webhooks and assistant turns waiting until it ends.
  maxShare: 0.5,
});

/**
 * Queue priority of campaign dispatch (start and send-batch jobs): due batches run before other due
 * jobs. Batches become due at the number's pace, so only a few are due at a time; without priority
 * they would wait behind every status webhook received meanwhile (a backlog the campaign's own sends
 * create), and the number would idle.
 */
export const DISPATCH_PRIORITY = 10;

/** The handler. */
export function sendBatchHandler(deps: Pick<Deps, 'database' | 'secrets' | 'rateLimiter' | 'logger' | 'config'>): JobHandler<{ campaignId: string; batch: number }> {
  return async ({ campaignId, batch }, ctx) => {
    const db = deps.database.db;
    const checkedAt = Date.now();
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
    // Sends an earlier run left in flight, then this batch's pending recipients. Batch jobs become due
    // at the number's pace (fan-out), so the recipients are claimed (and would be "in doubt" should the
    // worker die) only moments before their sends; slots are taken just in time while sending.
    const settled = await db.transaction(async (tx) => settleInFlight(tx, campaign, batch, grace));
    const { resend } = settled;
    let { waitMs } = settled;
    const claimed = await db.transaction((tx) => claimPending(tx, campaign, batch, template));
    const sends = [...resend, ...claimed];

    if (sends.length) {
      const { locale } = await loadInboxSettings(db, campaign.organizationId);
      const watch = watchStatus(db, campaign.id, checkedAt);
      let outcome: Awaited<ReturnType<typeof deliverBatch>>;
      try {
        outcome = await deliverBatch(sends, {
          client,
          rateLimiter: deps.rateLimiter,
          key,
          ratePerSecond: rate,
          signal: ctx.signal,
          stillSending: watch.sending,
          record: (accepted) => db.transaction((tx) => recordAccepted(tx, campaign, accepted, locale)),
        });
      } finally {
        watch.stop();
      }
      await db.transaction(async (tx) => {
        await recordAccepted(tx, campaign, outcome.accepted, locale);
        await recordRefused(tx, outcome.refused);
        // A resent in-doubt message keeps its row: never released, so it cannot be lost.
        await releaseUnsent(tx, campaign.id, outcome.unsent.filter((s) => !s.inDoubt).map((s) => s.messageId));
        if (outcome.pause) await pauseForError(tx, campaign.id, outcome.pause.code, outcome.pause.detail);
        // Unanswered sends stay `sending` until their status webhook confirms them or the grace runs out.
        if (outcome.unanswered.length) {
          await tx.execute(sql`update campaign_recipients set next_attempt_at = now() + make_interval(secs => ${grace / 1000}), updated_at = now()
                               where id = any(${`{${outcome.unanswered.map((s) => s.recipientId).join(',')}}`}::uuid[]) and status = 'sending'`);
        }
      });
      if (outcome.unanswered.length) {
        waitMs = Math.max(waitMs ?? 0, grace + 500);
        deps.logger.warn(
          { campaignId: campaign.id, batch, sends: outcome.unanswered.length, err: outcome.unansweredError },
          'campaign sends got no answer from WhatsApp: in doubt until a status webhook confirms them or the grace ends',
        );
      }
      if (outcome.pause) deps.logger.warn({ campaignId: campaign.id, code: outcome.pause.code }, 'campaign paused by an account-level WhatsApp error');
    }
    const finished = await finishIfDone(db, campaign.id);
    await publishProgressThrottled(db, finished ? { ...campaign, status: 'finished' } : campaign);
    if (waitMs !== null) throw new RetryableError('waiting for in-doubt sends to be confirmed by status webhooks', waitMs);
  };
}

/** The campaigns whose status this process watches, per database handle: one reading every ½ s per campaign. */
const watched = new WeakMap<Db, Map<string, { batches: number; sending: boolean; readAt: number; timer: NodeJS.Timeout }>>();

/**
 * Whether a campaign is still `sending`, read every ½ s (pause and cancel stop its batches within that)
 * — once per campaign for all of its batches running in this process, not once per batch. A batch
 * joining brings its own reading, taken at `checkedAt`: it wins over an older shared one.
 */
function watchStatus(db: Db, campaignId: string, checkedAt: number): { sending: () => boolean; stop: () => void } {
  let campaignsOf = watched.get(db);
  if (!campaignsOf) {
    campaignsOf = new Map();
    watched.set(db, campaignsOf);
  }
  const byId = campaignsOf;
  let entry = byId.get(campaignId);
  if (!entry) {
    const created = {
      batches: 0,
      sending: true,
      readAt: checkedAt,
      timer: setInterval(() => {
        const at = Date.now();
        void db
          .select({ status: campaigns.status })
          .from(campaigns)
          .where(eq(campaigns.id, campaignId))
          .then(([row]) => {
            if (at < created.readAt) return;
            created.sending = row?.status === 'sending';
            created.readAt = at;
          })
          .catch(() => {});
      }, 500),
    };
    entry = created;
    byId.set(campaignId, entry);
  } else if (checkedAt > entry.readAt) {
    entry.sending = true;
    entry.readAt = checkedAt;
  }
  const own = entry;
  own.batches++;
  let stopped = false;
  return {
    sending: () => own.sending,
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (--own.batches > 0) return;
      clearInterval(own.timer);
      if (byId.get(campaignId) === own) byId.delete(campaignId);
    },
  };
}

/**
 * An in-doubt send waits past its grace while status webhooks received for the number are still
 * unprocessed (one of them may confirm it), but not beyond this many grace periods: a delivery that
 * can never be processed must not hold it forever.
 */
const MAX_BACKLOG_WAIT_GRACES = 5;

/**
 * Settles recipients of the batch left `sending`: those whose message has a WhatsApp id (recorded
 * late, or adopted from a status webhook through its callback data) or failed take its state. A
 * still-queued message may or may not have reached Meta: the first time one is seen, it gets a
 * deadline one grace period away (`next_attempt_at`), long enough for Meta's retried status webhooks
 * to arrive after a restart; only unconfirmed past the deadline — and once the webhooks already
 * received for the number are processed, so a busy server's backlog cannot hide its confirmation — is
 * it sent again (`waitMs` until then).
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
  let backlog: boolean | undefined;
  for (const s of inFlight) {
    if (s.providerId !== null || s.messageStatus !== 'queued') continue;
    if (!s.resendAfter) {
      firstSeen.push(s.recipientId);
      waitMs = Math.max(waitMs ?? 0, graceMs + 500);
    } else if (s.resendAfter.getTime() > now) {
      waitMs = Math.max(waitMs ?? 0, s.resendAfter.getTime() - now + 500);
    } else {
      backlog ??= await webhooksWaiting(tx, campaign.channelId);
      if (backlog && now < s.resendAfter.getTime() + MAX_BACKLOG_WAIT_GRACES * graceMs) waitMs = Math.max(waitMs ?? 0, Math.max(5_000, graceMs / 4));
      else resend.push(s);
    }
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

/** Whether status webhooks received for the channel (in the last day) are still waiting to be processed. */
async function webhooksWaiting(tx: Db, channelId: string): Promise<boolean> {
  const [row] = await rowsOf<{ waiting: boolean }>(
    tx,
    sql`select exists (select 1 from webhook_events where channel_id = ${channelId} and processed_at is null
                       and received_at > now() - interval '1 day') as waiting`,
  );
  return row?.waiting === true;
}
