/**
 * The WhatsApp Cloud API port: the types the rest of Charla uses to receive, send and manage WhatsApp
 * messages. Nothing here depends on Meta's wire format except where noted (template definitions are
 * kept in Meta's shape because they are stored and submitted as-is). Import from this file (or from
 * `index.ts`); the definitions are split by direction: `inbound-types.ts` (webhooks),
 * `outbound-types.ts` (sending), `graph-api-types.ts` (the client), `graph-api-error.ts` (failures).
 * Protocol facts: ../shared/reference/whatsapp-cloud-api.md.
 */
/** Meta's Graph API base URL; tests and the demo point `graphApiUrl` at the emulator instead. */
export const DEFAULT_GRAPH_API_URL = 'https://graph.facebook.com';
/** The Graph API version Charla speaks by default (v25.0 is available until 2028-07-29). */
export const DEFAULT_GRAPH_API_VERSION = 'v25.0';

/** What Charla needs to act for one WhatsApp Business phone number. */
export interface WhatsAppCredentials {
  /** Phone number ID (not the phone number itself), e.g. `106540352242922`. */
  phoneNumberId: string;
  /** WhatsApp Business Account ID; templates live here. */
  wabaId: string;
  /** Permanent (system user) access token. */
  accessToken: string;
  /** App secret: the key of the webhooks' `X-Hub-Signature-256` HMAC. */
  appSecret: string;
  /** Graph API base URL, default {@link DEFAULT_GRAPH_API_URL}. */
  graphApiUrl?: string;
  /** Graph API version such as `v25.0`, default {@link DEFAULT_GRAPH_API_VERSION}. */
  graphApiVersion?: string;
}

export * from './graph-api-error.ts';
export * from './graph-api-types.ts';
export * from './inbound-types.ts';
export * from './outbound-types.ts';
