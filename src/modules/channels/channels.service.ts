import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type Channel, channels, type WebchatSettings, type WhatsAppChannelConfig } from '../../db/schema/index.ts';
import { DEFAULT_GRAPH_API_URL, DEFAULT_GRAPH_API_VERSION } from '../../adapters/whatsapp-cloud/index.ts';
import { conflict, notFound, pgErrorCode, validationError } from '../../shared/errors.ts';
import type { Locale } from '../../shared/i18n.ts';
import { isUuid, newId, randomToken } from '../../shared/ids.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { requestLocale } from '../inbox/inbox-settings.ts';
import { hintsOf, openSecrets, sealSecrets, whatsAppConfigOf } from './channel-credentials.ts';
import { tc } from './channels.i18n.ts';
import type { CreateChannelBody, UpdateChannelBody } from './channels.schemas.ts';
import { forgetWebhookChannel } from './webhook-channel-cache.ts';

/** Creates a channel. WhatsApp secrets are encrypted; a verify token (or a web chat public id) is issued. */
export async function createChannel(deps: Pick<Deps, 'database' | 'secrets' | 'config'>, organizationId: string, body: CreateChannelBody, actor: AuditActor): Promise<Channel> {
  const id = newId();
  const now = new Date();
  let values: typeof channels.$inferInsert;
  if (body.type === 'whatsapp') {
    const graphApiUrl = body.graphApiUrl ?? DEFAULT_GRAPH_API_URL;
    assertGraphUrlAllowed(graphApiUrl, deps.config.allowPrivateNetwork);
    const secrets = { accessToken: body.accessToken, appSecret: body.appSecret };
    const config: WhatsAppChannelConfig = {
      wabaId: body.wabaId,
      appId: body.appId ?? null,
      graphApiUrl,
      graphApiVersion: body.graphApiVersion ?? DEFAULT_GRAPH_API_VERSION,
    };
    values = {
      id,
      organizationId,
      type: 'whatsapp',
      name: body.name,
      phoneNumberId: body.phoneNumberId,
      config,
      credentials: sealSecrets(deps.secrets, organizationId, secrets),
      credentialHints: hintsOf(secrets),
      verifyToken: randomToken(24),
      throughputMps: body.throughputMps ?? 80,
      createdAt: now,
      updatedAt: now,
    };
  } else {
    const locale = await requestLocale(deps.database.db, organizationId, null);
    values = {
      id,
      organizationId,
      type: 'webchat',
      name: body.name,
      publicId: `wc_${randomToken(12)}`,
      settings: mergeWebchatSettings(defaultWebchatSettings(locale), body.settings ?? {}),
      createdAt: now,
      updatedAt: now,
    };
  }
  return deps.database.db.transaction(async (tx) => {
    const [row] = await insertUnique(tx, values);
    await recordAudit(tx, {
      organizationId,
      actor,
      action: 'channel.created',
      targetType: 'channel',
      targetId: id,
      data: { type: body.type, name: body.name, ...(body.type === 'whatsapp' ? { phoneNumberId: body.phoneNumberId } : {}) },
    });
    return row!;
  });
}

/** The organization's channels (deleted ones excluded), oldest first. */
export async function listChannels(db: Db, organizationId: string, filter: { type?: 'whatsapp' | 'webchat' } = {}): Promise<Channel[]> {
  return db
    .select()
    .from(channels)
    .where(and(eq(channels.organizationId, organizationId), isNull(channels.deletedAt), filter.type ? eq(channels.type, filter.type) : undefined))
    .orderBy(asc(channels.createdAt), asc(channels.id));
}

/** One channel of the organization; 404 when missing, deleted or another organization's. */
export async function getChannel(db: Db, organizationId: string, id: string): Promise<Channel> {
  if (!isUuid(id)) throw notFound('Channel');
  const [row] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.id, id), eq(channels.organizationId, organizationId), isNull(channels.deletedAt)));
  if (!row) throw notFound('Channel');
  return row;
}

/** Applies a partial update; secrets are re-encrypted when replaced and never echoed into the audit log. */
export async function updateChannel(
  deps: Pick<Deps, 'database' | 'secrets' | 'config'>,
  organizationId: string,
  id: string,
  patch: UpdateChannelBody,
  actor: AuditActor,
): Promise<Channel> {
  const updated = await deps.database.db.transaction(async (tx) => {
    const current = await getChannelForUpdate(tx, organizationId, id);
    const set: Partial<typeof channels.$inferInsert> = { updatedAt: new Date() };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.status !== undefined) set.status = patch.status;
    const whatsappKeys = ['phoneNumberId', 'wabaId', 'appId', 'accessToken', 'appSecret', 'graphApiUrl', 'graphApiVersion', 'throughputMps', 'regenerateVerifyToken'] as const;
    if (current.type === 'webchat') {
      const wrong = whatsappKeys.filter((k) => patch[k] !== undefined);
      if (wrong.length) throw notApplicable(wrong, 'web chat');
      if (patch.settings) set.settings = mergeWebchatSettings(webchatSettingsOf(current), patch.settings);
    } else {
      if (patch.settings !== undefined) throw notApplicable(['settings'], 'WhatsApp');
      const config = whatsAppConfigOf(current);
      if (patch.graphApiUrl !== undefined) assertGraphUrlAllowed(patch.graphApiUrl, deps.config.allowPrivateNetwork);
      set.config = {
        ...config,
        wabaId: patch.wabaId ?? config.wabaId,
        appId: patch.appId === undefined ? config.appId : patch.appId,
        graphApiUrl: patch.graphApiUrl ?? config.graphApiUrl,
        graphApiVersion: patch.graphApiVersion ?? config.graphApiVersion,
      };
      if (patch.phoneNumberId !== undefined) set.phoneNumberId = patch.phoneNumberId;
      if (patch.throughputMps !== undefined) set.throughputMps = patch.throughputMps;
      if (patch.regenerateVerifyToken) {
        set.verifyToken = randomToken(24);
        set.webhookVerifiedAt = null;
      }
      if (patch.accessToken !== undefined || patch.appSecret !== undefined) {
        const previous = openSecrets(deps.secrets, current);
        const next = { accessToken: patch.accessToken ?? previous.accessToken, appSecret: patch.appSecret ?? previous.appSecret };
        set.credentials = sealSecrets(deps.secrets, organizationId, next);
        set.credentialHints = hintsOf(next);
      }
    }
    const [row] = await updateUnique(tx, id, set);
    const changed = Object.keys(patch).filter((k) => patch[k as keyof UpdateChannelBody] !== undefined);
    await recordAudit(tx, { organizationId, actor, action: 'channel.updated', targetType: 'channel', targetId: id, data: { changed } });
    return row!;
  });
  forgetWebhookChannel(deps.database, id);
  return updated;
}

/** Soft-deletes a channel: webhooks stop being accepted, conversations keep their history. */
export async function deleteChannel(deps: Pick<Deps, 'database'>, organizationId: string, id: string, actor: AuditActor): Promise<void> {
  await deps.database.db.transaction(async (tx) => {
    const current = await getChannelForUpdate(tx, organizationId, id);
    await tx.update(channels).set({ deletedAt: new Date(), status: 'disabled', updatedAt: new Date() }).where(eq(channels.id, id));
    await recordAudit(tx, { organizationId, actor, action: 'channel.deleted', targetType: 'channel', targetId: id, data: { type: current.type, name: current.name } });
  });
  forgetWebhookChannel(deps.database, id);
}

/** Default web chat settings in the organization's language. */
export function defaultWebchatSettings(locale: Locale): WebchatSettings {
  return {
    title: tc(locale, 'webchatTitle'),
    greeting: tc(locale, 'webchatGreeting'),
    primaryColor: '#0B7A75',
    position: 'right',
    locale: 'auto',
    preChatForm: { enabled: false, nameRequired: true, emailRequired: false },
    allowedOrigins: [],
  };
}

/** The stored web chat settings with defaults for anything missing. */
export function webchatSettingsOf(channel: Pick<Channel, 'settings'>): WebchatSettings {
  return mergeWebchatSettings(defaultWebchatSettings('en'), (channel.settings ?? {}) as Partial<WebchatSettings>);
}

type WebchatSettingsPatch = Omit<Partial<WebchatSettings>, 'preChatForm'> & { preChatForm?: Partial<WebchatSettings['preChatForm']> };

function mergeWebchatSettings(base: WebchatSettings, patch: WebchatSettingsPatch): WebchatSettings {
  return {
    ...base,
    ...Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== undefined && k !== 'preChatForm')),
    preChatForm: { ...base.preChatForm, ...patch.preChatForm },
    allowedOrigins: patch.allowedOrigins ? [...new Set(patch.allowedOrigins)] : base.allowedOrigins,
  };
}

/**
 * Server-side requests go to the configured Graph URL, so it must not become a way into private
 * networks: https anywhere, plain http only to this machine (the bundled emulator), and private
 * addresses only when CHARLA_ALLOW_PRIVATE_NETWORK is on.
 */
function assertGraphUrlAllowed(url: string, allowPrivateNetwork: boolean) {
  if (allowPrivateNetwork) return;
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
  const privateAddress =
    /^(10\.|192\.168\.|169\.254\.|0\.)/.test(host) || /^172\.(1[6-9]|2\d|3[01])\./.test(host) || /^(fc|fd|fe80)/i.test(host);
  if (privateAddress || (u.protocol === 'http:' && !loopback)) {
    throw validationError('This Graph API URL is not allowed', [
      { path: 'graphApiUrl', message: 'Use https (plain http only for the local emulator on 127.0.0.1); private networks need CHARLA_ALLOW_PRIVATE_NETWORK' },
    ]);
  }
}

function notApplicable(keys: readonly string[], kind: string) {
  return validationError(
    `These fields do not apply to a ${kind} channel`,
    keys.map((k) => ({ path: k, message: `Not applicable to a ${kind} channel` })),
    'field_not_applicable',
  );
}

async function getChannelForUpdate(tx: Db, organizationId: string, id: string): Promise<Channel> {
  if (!isUuid(id)) throw notFound('Channel');
  const [row] = await tx
    .select()
    .from(channels)
    .where(and(eq(channels.id, id), eq(channels.organizationId, organizationId), isNull(channels.deletedAt)))
    .for('update');
  if (!row) throw notFound('Channel');
  return row;
}

async function insertUnique(tx: Db, values: typeof channels.$inferInsert) {
  try {
    return await tx.insert(channels).values(values).returning();
  } catch (err) {
    if (pgErrorCode(err) === '23505') throw conflict('This phone number ID is already connected in this organization', 'channel_phone_number_taken');
    throw err;
  }
}

async function updateUnique(tx: Db, id: string, set: Partial<typeof channels.$inferInsert>) {
  try {
    return await tx.update(channels).set(set).where(eq(channels.id, id)).returning();
  } catch (err) {
    if (pgErrorCode(err) === '23505') throw conflict('This phone number ID is already connected in this organization', 'channel_phone_number_taken');
    throw err;
  }
}
