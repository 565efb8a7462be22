import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Database } from '../../db/client.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { newId } from '../../shared/ids.ts';
import { applyProviderStatusesIn, lockKey, type ProviderStatus, recordedProviderIds } from '../inbox/apply-status.ts';
import { processWebhookJob, recordWebhookSeen } from './jobs/process-webhook.job.ts';
import type { WebhookChannel } from './webhook-channel-cache.ts';
import { planWebhook, storedNotes, type WebhookPlan } from './webhook-plan.ts';
import { toStatusReport } from './whatsapp-inbound.ts';

/** Queue priority of webhook processing (see where it is used). */
const WEBHOOK_PRIORITY = 5;
/** Deliveries per processing job at most (a job's deliveries share their batched statements). */
const JOB_EVENTS = 64;
/** Status-only deliveries a batch needs at least to apply them in its own transaction (see writeBatch). */
export const APPLY_AT_INGEST = JOB_EVENTS;

/** The outcome of storing one delivery. */
export interface StoredWebhook {
  eventId: string;
  /** The same bytes were already stored for this channel (Meta retried, or sent it twice). */
  duplicate: boolean;
}

/** How deliveries are grouped into transactions. */
export interface WebhookBatcherOptions {
  /** Deliveries per transaction at most. */
  maxBatch: number;
  /** Body bytes per transaction at most (a single larger delivery still goes alone). */
  maxBytes: number;
  /** Transactions writing at the same time; while they all run, new deliveries wait and join the next one. */
  maxConcurrent: number;
}

const DEFAULTS: WebhookBatcherOptions = { maxBatch: 256, maxBytes: 4 * 1024 * 1024, maxConcurrent: 3 };

interface Pending {
  channel: WebhookChannel;
  sha256: string;
  body: string;
  bytes: number;
  /** The body parsed, when the caller already did. */
  payload: unknown;
  /** Read only for a batch large enough to apply statuses (see {@link planOf}). */
  plan?: WebhookPlan;
  resolve: (stored: StoredWebhook) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for webhook deliveries. Every request's delivery joins a queue; a flush writes all that
 * are waiting in ONE transaction — a multi-row insert of the events (deduplicated on channel + body
 * hash, repeats only counted) — and each request is answered only after that transaction committed.
 * In the same transaction, when a flush holds at least {@link APPLY_AT_INGEST} deliveries that carry
 * nothing but status reports (a campaign's webhooks: three per message, thousands a second), those are
 * applied at once, all together, and stored as processed; the others get ONE processing job (up to 64
 * deliveries a job, whose messages and statuses are then recorded with shared statements). Should
 * applying statuses fail, the flush is written again with every delivery left to a job. A flush starts
 * on the next turn of the event loop (no timer: nothing waits when the database is idle); when
 * `maxConcurrent` flushes are already running, new deliveries accumulate and go together in the next
 * one, so batches grow with the load instead of the transactions. A failed flush fails every delivery
 * in it (the endpoint answers 500 and Meta retries); nothing is acknowledged that was not committed.
 */
export class WebhookBatcher {
  readonly #options: WebhookBatcherOptions;
  #pending: Pending[] = [];
  #pendingBytes = 0;
  #running = 0;
  #scheduled = false;

  constructor(
    private readonly deps: Pick<Deps, 'database' | 'queue' | 'logger'>,
    options: Partial<WebhookBatcherOptions> = {},
  ) {
    this.#options = { ...DEFAULTS, ...options };
  }

  /**
   * Stores one delivery (the exact request bytes; `payload` is them parsed, when the caller already
   * did) and resolves once it is committed — applied, or with its job.
   */
  store(channel: WebhookChannel, raw: Buffer, payload?: unknown): Promise<StoredWebhook> {
    const sha256 = createHash('sha256').update(raw).digest('hex');
    const body = raw.toString('utf8');
    return new Promise<StoredWebhook>((resolve, reject) => {
      this.#pending.push({ channel, sha256, body, bytes: raw.length, payload, resolve, reject });
      this.#pendingBytes += raw.length;
      this.#schedule();
    });
  }

  /** Deliveries waiting for a flush, and flushes running (for tests and metrics). */
  get stats(): { waiting: number; running: number } {
    return { waiting: this.#pending.length, running: this.#running };
  }

  #schedule(): void {
    if (this.#pending.length === 0 || this.#running >= this.#options.maxConcurrent) return;
    if (this.#pending.length >= this.#options.maxBatch || this.#pendingBytes >= this.#options.maxBytes) {
      this.#flush();
      return;
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Requests read in the same turn of the event loop join the same batch.
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#pending.length && this.#running < this.#options.maxConcurrent) this.#flush();
    });
  }

  #flush(): void {
    let count = 0;
    let bytes = 0;
    for (const next of this.#pending) {
      if (count === this.#options.maxBatch || (count > 0 && bytes + next.bytes > this.#options.maxBytes)) break;
      count++;
      bytes += next.bytes;
    }
    const batch = this.#pending.splice(0, count);
    this.#pendingBytes -= bytes;
    this.#running++;
    writeBatch(this.deps, batch, true)
      .catch((err: unknown) => {
        if (!appliesStatuses(batch)) throw err;
        this.deps.logger.warn({ err, deliveries: batch.length }, 'applying webhook statuses while storing them failed; storing them for processing jobs');
        return writeBatch(this.deps, batch, false);
      })
      .then(
        (results) => {
          for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
        },
        (err: unknown) => {
          for (const p of batch) p.reject(err);
        },
      )
      .finally(() => {
        this.#running--;
        this.#schedule();
      });
  }
}

/** The deliveries of a batch with the same channel and bytes: one row. */
interface Group {
  id: string;
  first: Pending;
  count: number;
  applied: boolean;
}

/**
 * Writes deliveries in one transaction and returns, for each (in order), its event id and whether it
 * was a repeat. Deliveries with the same channel and bytes — in this batch or stored before — are one
 * row whose `received_count` counts them all. The rows this transaction created are processed in it
 * (status-only deliveries, when `applyStatuses` and there are enough) or get their processing job(s)
 * in it — so a stored delivery is always processed or has a job, and a repeat never gets a second.
 */
async function writeBatch(deps: Pick<Deps, 'database' | 'queue' | 'logger'>, batch: Pending[], applyStatuses: boolean): Promise<StoredWebhook[]> {
  const groups = new Map<string, Group>();
  for (const p of batch) {
    const key = `${p.channel.id}:${p.sha256}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { id: newId(), first: p, count: 1, applied: false });
  }
  if (applyStatuses && appliesStatuses(batch)) for (const g of groups.values()) g.applied = planOf(g.first).statusesOnly;
  const rows = [...groups.values()].map((g) => ({
    id: g.id,
    organization_id: g.first.channel.organizationId,
    channel_id: g.first.channel.id,
    body_sha256: g.first.sha256,
    // An applied delivery keeps only its hash (see `webhookEvents.body`).
    body: g.applied ? null : g.first.body,
    n: g.count,
    applied: g.applied,
    notes: g.applied ? storedNotes(planOf(g.first).notes) : null,
  }));

  // Status-only deliveries: their reports, in the order they arrived (applied below, for those new here).
  const reportsOf = new Map<Group, ProviderStatus[]>();
  for (const g of groups.values()) {
    if (!g.applied) continue;
    const channel = { id: g.first.channel.id, organizationId: g.first.channel.organizationId };
    reportsOf.set(g, planOf(g.first).statuses.map((status) => ({ channel, providerMessageId: status.wamid, report: toStatusReport(status) })));
  }
  const reports = [...reportsOf.values()].flat();

  const stored = await deps.database.db.transaction(async (tx) => {
    // The events are stored and, in the same statement (a read, no lock), the statuses' messages that
    // have their provider id recorded already are found: their reports need no advisory lock.
    const written = await rowsOf<{ kind: 'event' | 'recorded'; id: string; channel_id: string; body_sha256: string; processed: boolean; provider_message_id: string | null }>(
      tx,
      sql`with ins as (
            insert into webhook_events (id, organization_id, channel_id, body_sha256, body, received_count, processed_at, notes)
            select id, organization_id, channel_id, body_sha256, body, n, case when applied then now() end, notes
            from json_to_recordset(${JSON.stringify(rows)}::json)
              as r(id uuid, organization_id uuid, channel_id uuid, body_sha256 text, body text, n int, applied boolean, notes jsonb)
            -- On the unique key: concurrent batches lock the rows they share in the same order (no deadlock).
            order by channel_id, body_sha256
            on conflict (channel_id, body_sha256) do update set received_count = webhook_events.received_count + excluded.received_count
            returning id, channel_id, body_sha256, processed_at is not null as processed
          )
          select 'event' as kind, ins.*, null::text as provider_message_id from ins${
            reports.length
              ? sql` union all select 'recorded', null, k.channel_id, null, null, k.provider_message_id from (${recordedProviderIds(reports)}) k`
              : sql``
          }`,
    );
    const recorded = new Set(written.filter((w) => w.kind === 'recorded').map((w) => lockKey(w.channel_id, w.provider_message_id!)));
    // The deliveries this transaction stored (a repeat of a stored delivery was processed already, or
    // has its job, enqueued in the transaction that stored it): a new row has the id given here.
    const events = written.filter((w) => w.kind === 'event');
    const created = new Set(events.map((w) => w.id));
    const fresh = [...groups.values()].filter((g) => created.has(g.id));
    const statuses: ProviderStatus[] = [];
    for (const g of fresh) {
      if (!g.applied) continue;
      statuses.push(...reportsOf.get(g)!);
      const { notes } = planOf(g.first);
      if (notes.length) deps.logger.info({ eventId: g.id, channelId: g.first.channel.id, notes }, 'webhook processed with notes');
    }
    await applyProviderStatusesIn(tx, statuses, { recorded });
    // One processing job for the others. Ahead of other due jobs (assistant turns, imports…): what
    // customers write reaches the inbox first. Campaign dispatch (priority 10) stays first.
    const queued = fresh.filter((g) => !g.applied).map((g) => g.id);
    for (let i = 0; i < queued.length; i += JOB_EVENTS) {
      const eventIds = queued.slice(i, i + JOB_EVENTS);
      await deps.queue.enqueue(processWebhookJob, { eventIds }, { idempotencyKey: eventIds[0]!, priority: WEBHOOK_PRIORITY, tx });
    }
    return new Map(events.map((w) => [`${w.channel_id}:${w.body_sha256}`, w.id]));
  });
  // After the commit, and never failing the batch (its deliveries are stored and processed).
  for (const channelId of new Set([...groups.values()].filter((g) => g.applied).map((g) => g.first.channel.id))) {
    await recordWebhookSeen(deps.database, channelId).catch((err: unknown) => deps.logger.warn({ err, channelId }, 'could not record when the channel last received a webhook'));
  }

  const answered = new Set<string>();
  return batch.map((p) => {
    const key = `${p.channel.id}:${p.sha256}`;
    const group = groups.get(key)!;
    const eventId = stored.get(key);
    if (!eventId) throw new Error(`webhook event ${key} was not stored`);
    // The first delivery of a new row is the original; every other one (here or before) is a repeat.
    const duplicate = eventId !== group.id || answered.has(key);
    answered.add(key);
    return { eventId, duplicate };
  });
}

/**
 * Whether a batch applies its status-only deliveries itself: when they are at least a job's worth (the
 * distinct ones). The transaction's own statements then cost less than a job's (claim, re-read, apply,
 * mark) and nothing waits behind other jobs; a few — a quiet server's batches — are answered at once
 * and gathered by a job with others.
 */
function appliesStatuses(batch: Pending[]): boolean {
  // Smaller batches are not read at all here: their jobs read them.
  if (batch.length < APPLY_AT_INGEST) return false;
  return new Set(batch.filter((p) => planOf(p).statusesOnly).map((p) => `${p.channel.id}:${p.sha256}`)).size >= APPLY_AT_INGEST;
}

/** What a delivery asks (read once, on first use). A body that is not JSON is left to its job, which notes it. */
function planOf(p: Pending): WebhookPlan {
  if (!p.plan) {
    try {
      p.plan = planWebhook(p.channel.phoneNumberId, p.payload === undefined ? JSON.parse(p.body) : p.payload);
    } catch {
      p.plan = { inbound: [], statuses: [], templateUpdates: [], notes: [], statusesOnly: false };
    }
  }
  return p.plan;
}

const batchers = new WeakMap<Database, WebhookBatcher>();

/** The process-wide batcher of a database (created on first use). */
export function webhookBatcher(deps: Pick<Deps, 'database' | 'queue' | 'logger'>): WebhookBatcher {
  let batcher = batchers.get(deps.database);
  if (!batcher) {
    batcher = new WebhookBatcher(deps);
    batchers.set(deps.database, batcher);
  }
  return batcher;
}
