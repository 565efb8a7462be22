import { type SQL, sql } from 'drizzle-orm';
import type { Database, Db } from '../../db/client.ts';
import type { Logger } from '../../shared/logger.ts';

/** The NOTIFY channel inbox events travel on between processes. */
export const INBOX_EVENTS_CHANNEL = 'charla_inbox';
/** PostgreSQL caps NOTIFY payloads at 8000 bytes; events above this travel without their `data`. */
const MAX_PAYLOAD_BYTES = 7_000;

/** Kinds of inbox events streamed to dashboards (and, filtered, to web chat visitors). */
export const INBOX_EVENT_TYPES = ['message.created', 'message.status', 'note.created', 'conversation.updated', 'conversation.assigned', 'campaign.progress'] as const;
/** The kind of an inbox event. */
export type InboxEventType = (typeof INBOX_EVENT_TYPES)[number];

/**
 * One inbox event. It always carries what a receiver needs to decide who may see it (organization,
 * conversation, assignee) and usually the object itself in `data`; when that would be too large for
 * NOTIFY, `data` is dropped and clients fetch the object by id.
 */
export interface InboxEvent {
  type: InboxEventType;
  organizationId: string;
  conversationId: string;
  /** The conversation's assignee after the change (visibility is decided on it). */
  assigneeId: string | null;
  /** On assignment changes: who had it before (so they learn it left their list). */
  previousAssigneeId?: string | null;
  messageId?: string;
  /** For message events: whether the message is a private note or outbound (web chat visitors see only public messages). */
  isPrivate?: boolean;
  data?: Record<string, unknown>;
}

/**
 * Publishes an event. Inside a transaction (`db` = the transaction) PostgreSQL delivers it only after
 * the commit, so listeners never see a change that was rolled back and can always fetch what they are told about.
 */
export async function publishInboxEvent(db: Db, event: InboxEvent): Promise<void> {
  await db.execute(sql`select ${inboxNotifications([event])}`);
}

/**
 * An SQL expression publishing events (in order) when evaluated once, to ride along in another
 * statement of the transaction — e.g. in the `returning` of an update of one row — instead of a round
 * trip of its own. Same delivery rules as {@link publishInboxEvent}.
 */
/** Events per statement that publishes them (two parameters each: well within PostgreSQL's 65,535). */
export const NOTIFICATIONS_PER_STATEMENT = 1000;

export function inboxNotifications(events: InboxEvent[]): SQL<string> {
  return concatAll(events.map((event) => sql`pg_notify(${INBOX_EVENTS_CHANNEL}, ${notificationPayload(event)})::text`));
}

/**
 * An SQL expression (a count) publishing events in order when evaluated once, like
 * {@link inboxNotifications}, for events built before the statement that makes their change: each
 * event's `assigneeId` is read from its conversation as the expression runs, and `only` (a condition
 * on `e.id`, the event's `messageId`) may hold some back — e.g. `e.id in (select id from upd)` to
 * publish only what an update earlier in the same statement changed. All events are one parameter.
 */
export function inboxNotificationsReadingAssignee(events: Omit<InboxEvent, 'assigneeId'>[], only?: SQL): SQL<number> {
  // The payload without `assigneeId`; PostgreSQL puts it first: `{"assigneeId":…,` + the rest after `{`.
  const rows = events.map((event) => ({ id: event.messageId ?? null, conversation_id: event.conversationId, payload: notificationPayload(event) }));
  return sql<number>`(select count(pg_notify(${INBOX_EVENTS_CHANNEL},
      '{"assigneeId":' || coalesce(to_json((select c.assignee_id from conversations c where c.id = e.conversation_id))::text, 'null') || ',' || substr(e.payload, 2)))
    from json_to_recordset(${JSON.stringify(rows)}::json) as e(id uuid, conversation_id uuid, payload text)${only ? sql` where ${only}` : sql``})`;
}

/** `concat(...)` of any number of parts (PostgreSQL functions take at most 100 arguments: nested beyond). Evaluated in order. */
function concatAll(parts: SQL[]): SQL<string> {
  if (parts.length <= 100) return sql<string>`concat(${sql.join(parts, sql`, `)})`;
  const groups: SQL[] = [];
  for (let i = 0; i < parts.length; i += 100) groups.push(concatAll(parts.slice(i, i + 100)));
  return concatAll(groups);
}

function notificationPayload(event: InboxEvent | Omit<InboxEvent, 'assigneeId'>): string {
  const payload = JSON.stringify(event);
  return Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES ? JSON.stringify({ ...event, data: undefined }) : payload;
}

type Listener = (event: InboxEvent) => void;

/**
 * This process's fan-out of inbox events: one LISTEN on the database, any number of in-memory
 * subscribers (SSE connections) per organization. Events published by any process reach every
 * process's subscribers through PostgreSQL.
 */
export class InboxEventHub {
  readonly #byOrg = new Map<string, Set<Listener>>();
  #unlisten: Promise<() => Promise<void>> | undefined;

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
  ) {}

  /** Subscribes to one organization's events; returns the unsubscribe function. */
  async subscribe(organizationId: string, listener: Listener): Promise<() => void> {
    this.#unlisten ??= this.database.listen(INBOX_EVENTS_CHANNEL, (payload) => this.#dispatch(payload));
    await this.#unlisten;
    let set = this.#byOrg.get(organizationId);
    if (!set) {
      set = new Set();
      this.#byOrg.set(organizationId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#byOrg.delete(organizationId);
    };
  }

  /** Number of live subscribers (for metrics and tests). */
  get size(): number {
    let n = 0;
    for (const s of this.#byOrg.values()) n += s.size;
    return n;
  }

  /** Stops listening. */
  async close(): Promise<void> {
    this.#byOrg.clear();
    const unlisten = this.#unlisten;
    this.#unlisten = undefined;
    if (unlisten) await (await unlisten)().catch(() => {});
  }

  #dispatch(payload: string) {
    let event: InboxEvent;
    try {
      event = JSON.parse(payload) as InboxEvent;
    } catch {
      this.logger.warn('ignored a malformed inbox event');
      return;
    }
    const listeners = this.#byOrg.get(event.organizationId);
    if (!listeners) return;
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.warn({ err }, 'inbox event listener failed');
      }
    }
  }
}

const hubs = new WeakMap<Database, InboxEventHub>();

/** The process-wide hub of a database (created on first use). */
export function inboxEventHub(database: Database, logger: Logger): InboxEventHub {
  let hub = hubs.get(database);
  if (!hub) {
    hub = new InboxEventHub(database, logger);
    hubs.set(database, hub);
  }
  return hub;
}
