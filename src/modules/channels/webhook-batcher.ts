import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Database } from '../../db/client.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { newId } from '../../shared/ids.ts';
import { processWebhookJob } from './jobs/process-webhook.job.ts';
import type { WebhookChannel } from './webhook-channel-cache.ts';

/** Queue priority of webhook processing (see where it is used). */
const WEBHOOK_PRIORITY = 5;
/** Deliveries per processing job at most (a job's deliveries share their batched statements). */
const JOB_EVENTS = 64;

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
  resolve: (stored: StoredWebhook) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for webhook deliveries. Every request's delivery joins a queue; a flush writes all that
 * are waiting in ONE transaction — a multi-row insert of the events (deduplicated on channel + body
 * hash, repeats only counted) and ONE processing job for the new ones (up to 64 deliveries a job, whose
 * messages and statuses are then recorded with shared statements) — and each request is answered only after that transaction committed. A flush starts on
 * the next turn of the event loop (no timer: nothing waits when the database is idle); when
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
    private readonly deps: Pick<Deps, 'database' | 'queue'>,
    options: Partial<WebhookBatcherOptions> = {},
  ) {
    this.#options = { ...DEFAULTS, ...options };
  }

  /** Stores one delivery (the exact request bytes) and resolves once it is committed with its job. */
  store(channel: WebhookChannel, raw: Buffer): Promise<StoredWebhook> {
    const sha256 = createHash('sha256').update(raw).digest('hex');
    return new Promise<StoredWebhook>((resolve, reject) => {
      this.#pending.push({ channel, sha256, body: raw.toString('utf8'), bytes: raw.length, resolve, reject });
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
    writeBatch(this.deps, batch)
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

/**
 * Writes deliveries in one transaction and returns, for each (in order), its event id and whether it
 * was a repeat. Deliveries with the same channel and bytes — in this batch or stored before — are one
 * row whose `received_count` counts them all. The rows this transaction created get their processing
 * job(s) in the same transaction — so a stored delivery always has one, and a repeat never a second.
 */
async function writeBatch(deps: Pick<Deps, 'database' | 'queue'>, batch: Pending[]): Promise<StoredWebhook[]> {
  const groups = new Map<string, { id: string; first: Pending; count: number }>();
  for (const p of batch) {
    const key = `${p.channel.id}:${p.sha256}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { id: newId(), first: p, count: 1 });
  }
  const rows = [...groups.values()].map((g) => ({ id: g.id, organization_id: g.first.channel.organizationId, channel_id: g.first.channel.id, body_sha256: g.first.sha256, body: g.first.body, n: g.count }));

  const stored = await deps.database.db.transaction(async (tx) => {
    const written = await rowsOf<{ id: string; channel_id: string; body_sha256: string; processed: boolean }>(
      tx,
      sql`insert into webhook_events (id, organization_id, channel_id, body_sha256, body, received_count)
          select id, organization_id, channel_id, body_sha256, body, n
          from json_to_recordset(${JSON.stringify(rows)}::json)
            as r(id uuid, organization_id uuid, channel_id uuid, body_sha256 text, body text, n int)
          -- On the unique key: concurrent batches lock the rows they share in the same order (no deadlock).
          order by channel_id, body_sha256
          on conflict (channel_id, body_sha256) do update set received_count = webhook_events.received_count + excluded.received_count
          returning id, channel_id, body_sha256, processed_at is not null as processed`,
    );
    // One processing job for the deliveries this transaction stored (a repeat of a stored delivery
    // already has its job, enqueued in the transaction that stored it). Ahead of other due jobs
    // (assistant turns, imports…): what customers write reaches the inbox first, and statuses keep
    // campaigns' recipient states current. Campaign dispatch (priority 10) stays first.
    const created = new Set(rows.map((r) => r.id));
    const fresh = written.filter((w) => created.has(w.id) && !w.processed).map((w) => w.id);
    for (let i = 0; i < fresh.length; i += JOB_EVENTS) {
      const eventIds = fresh.slice(i, i + JOB_EVENTS);
      await deps.queue.enqueue(processWebhookJob, { eventIds }, { idempotencyKey: eventIds[0]!, priority: WEBHOOK_PRIORITY, tx });
    }
    return new Map(written.map((w) => [`${w.channel_id}:${w.body_sha256}`, w.id]));
  });

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

const batchers = new WeakMap<Database, WebhookBatcher>();

/** The process-wide batcher of a database (created on first use). */
export function webhookBatcher(deps: Pick<Deps, 'database' | 'queue'>): WebhookBatcher {
  let batcher = batchers.get(deps.database);
  if (!batcher) {
    batcher = new WebhookBatcher(deps);
    batchers.set(deps.database, batcher);
  }
  return batcher;
}
