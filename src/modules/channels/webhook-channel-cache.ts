import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { channels } from '../../db/schema/index.ts';
import type { SecretBox } from '../../shared/secrets.ts';
import { isUuid } from '../../shared/ids.ts';
import { openSecrets } from './channel-credentials.ts';

/** What the webhook endpoint needs to know about a channel, with its app secret decrypted. */
export interface WebhookChannel {
  id: string;
  organizationId: string;
  status: 'active' | 'disabled';
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
}

/**
 * Webhooks arrive at thousands per second for a busy number; looking the channel up and decrypting
 * its app secret on each one would dominate the cost. Entries live for a few seconds (so a change
 * made by another process is seen quickly) and are dropped at once when this process changes a channel.
 */
const TTL_MS = 5_000;
const caches = new WeakMap<Database, Map<string, { value: Promise<WebhookChannel | null>; expires: number }>>();

function cacheOf(database: Database) {
  let cache = caches.get(database);
  if (!cache) {
    cache = new Map();
    caches.set(database, cache);
  }
  return cache;
}

/** The WhatsApp channel behind a webhook URL, or null when there is none (unknown, deleted, not WhatsApp). */
export function findWebhookChannel(database: Database, secrets: SecretBox, channelId: string): Promise<WebhookChannel | null> {
  if (!isUuid(channelId)) return Promise.resolve(null);
  const cache = cacheOf(database);
  const hit = cache.get(channelId);
  if (hit && hit.expires > Date.now()) return hit.value;
  // One lookup per channel at a time: when an entry expires under load, the requests arriving
  // meanwhile share it instead of each querying and decrypting.
  const value = loadWebhookChannel(database, secrets, channelId);
  if (cache.size > 10_000) cache.clear();
  const entry = { value, expires: Number.POSITIVE_INFINITY };
  cache.set(channelId, entry);
  value.then(
    () => {
      entry.expires = Date.now() + TTL_MS;
    },
    () => {
      if (cache.get(channelId) === entry) cache.delete(channelId);
    },
  );
  return value;
}

async function loadWebhookChannel(database: Database, secrets: SecretBox, channelId: string): Promise<WebhookChannel | null> {
  const [row] = await database.db
    .select()
    .from(channels)
    .where(and(eq(channels.id, channelId), eq(channels.type, 'whatsapp'), isNull(channels.deletedAt)));
  return row?.phoneNumberId && row.credentials && row.verifyToken
    ? {
        id: row.id,
        organizationId: row.organizationId,
        status: row.status,
        phoneNumberId: row.phoneNumberId,
        appSecret: openSecrets(secrets, row).appSecret,
        verifyToken: row.verifyToken,
      }
    : null;
}

/** Drops a channel from this process's cache (after it was changed or deleted). */
export function forgetWebhookChannel(database: Database, channelId: string): void {
  caches.get(database)?.delete(channelId);
}
