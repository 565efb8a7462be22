import { z } from 'zod';
import { DEFAULT_GRAPH_API_URL, DEFAULT_GRAPH_API_VERSION, type WhatsAppCredentials } from '../../adapters/whatsapp-cloud/index.ts';
import type { Channel } from '../../db/schema/index.ts';
import { type SecretBox, secretHint } from '../../shared/secrets.ts';

/** The secrets of a WhatsApp channel, as stored encrypted in `channels.credentials`. */
export interface WhatsAppSecrets {
  accessToken: string;
  appSecret: string;
}

const secretsSchema = z.object({ accessToken: z.string(), appSecret: z.string() });

/** Encrypts a channel's secrets, bound to its organization (a row copied to another tenant does not decrypt). */
export function sealSecrets(box: SecretBox, organizationId: string, value: WhatsAppSecrets): string {
  return box.encrypt(JSON.stringify(value), organizationId);
}

/** Decrypts a channel's secrets; throws when the row has none or they were tampered with. */
export function openSecrets(box: SecretBox, channel: Pick<Channel, 'organizationId' | 'credentials'>): WhatsAppSecrets {
  if (!channel.credentials) throw new Error('This channel has no stored credentials');
  return secretsSchema.parse(JSON.parse(box.decrypt(channel.credentials, channel.organizationId)));
}

/** What the API may show of the secrets: set or not, and the last four characters. */
export function hintsOf(value: WhatsAppSecrets) {
  return { accessToken: secretHint(value.accessToken), appSecret: secretHint(value.appSecret) };
}

/** Everything the Graph client needs to act for a WhatsApp channel. */
export function whatsAppCredentialsOf(box: SecretBox, channel: Channel): WhatsAppCredentials {
  if (channel.type !== 'whatsapp' || !channel.phoneNumberId) throw new Error('Not a WhatsApp channel');
  const config = whatsAppConfigOf(channel);
  const secrets = openSecrets(box, channel);
  return {
    phoneNumberId: channel.phoneNumberId,
    wabaId: config.wabaId,
    accessToken: secrets.accessToken,
    appSecret: secrets.appSecret,
    graphApiUrl: config.graphApiUrl,
    graphApiVersion: config.graphApiVersion,
  };
}

const whatsAppConfigSchema = z.object({
  wabaId: z.string().default(''),
  appId: z.string().nullable().default(null),
  graphApiUrl: z.string().default(DEFAULT_GRAPH_API_URL),
  graphApiVersion: z.string().default(DEFAULT_GRAPH_API_VERSION),
  displayPhoneNumber: z.string().nullable().optional(),
  verifiedName: z.string().nullable().optional(),
  qualityRating: z.string().nullable().optional(),
});

/** The non-secret WhatsApp settings of a channel, with defaults for anything missing. */
export function whatsAppConfigOf(channel: Pick<Channel, 'config'>) {
  return whatsAppConfigSchema.parse(channel.config ?? {});
}
