/**
 * WhatsApp Cloud API adapter: the only code in Charla that speaks Meta's protocol.
 * - `verifyWebhookSignature(rawBody, header, appSecret)`: check `X-Hub-Signature-256` on the raw bytes;
 * - `parseWebhook(json)`: a whole notification → messages, statuses, template updates, errors;
 * - `WhatsAppCloudClient(credentials)`: send, mark read/typing, media, phone number, templates;
 * - `classifyGraphError` / `toJobError` / `describeGraphError`: what a failure means, for the job
 *   runner and for a person.
 */
export { buildMarkReadBody, buildMessageBody, formatRecipient } from './build-message.ts';
export { WhatsAppCloudClient, type WhatsAppCloudClientOptions } from './graph-client.ts';
export { describeGraphError, hasGraphErrorDescription } from './graph-error-messages.ts';
export { classifyErrorCode, classifyGraphError, isRetryableCode, networkGraphError, toJobError } from './graph-errors.ts';
export { parseWebhook } from './parse-webhook.ts';
export * from './types.ts';
export { SIGNATURE_HEADER, signWebhookBody, verifyWebhookSignature } from './verify-signature.ts';
