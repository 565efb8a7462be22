import { WhatsAppCloudClient } from '../../adapters/whatsapp-cloud/index.ts';
import type { Channel } from '../../db/schema/index.ts';
import type { SecretBox } from '../../shared/secrets.ts';
import { whatsAppCredentialsOf } from './channel-credentials.ts';

/** A Graph API client acting for a WhatsApp channel (credentials decrypted for the call's lifetime). */
export function whatsAppClientFor(secrets: SecretBox, channel: Channel): WhatsAppCloudClient {
  return new WhatsAppCloudClient(whatsAppCredentialsOf(secrets, channel));
}
