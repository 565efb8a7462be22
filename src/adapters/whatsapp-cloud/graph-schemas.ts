/** zod schemas of the Graph API's success answers and of template definitions (Meta's wire format). */
import { z } from 'zod';

const str = z.string();
const idString = z.union([z.string(), z.number()]).transform(String);

/** `POST /{phone-number-id}/messages` → accepted. */
export const sendResponseSchema = z.object({
  messages: z.array(z.object({ id: str, message_status: str.optional() })).min(1),
  contacts: z.array(z.object({ input: str.optional(), wa_id: str.optional() })).optional(),
});

/** `{ "success": true }` answers (mark read, delete, subscribe). */
export const successResponseSchema = z.object({ success: z.boolean() });

/** `POST /{phone-number-id}/media` → `{ id }`. */
export const uploadResponseSchema = z.object({ id: idString });

/** `POST /{app-id}/uploads` → an upload session (`upload:…`). */
export const uploadSessionSchema = z.object({ id: str.regex(/^upload:[\w=:+/.-]+$/) });

/** `POST /{upload-session-id}` → the file handle to use as a template header sample. */
export const uploadHandleSchema = z.object({ h: str.min(1) });

/** `GET /{media-id}`. */
export const mediaResponseSchema = z.object({
  id: idString,
  url: str,
  mime_type: str,
  sha256: str.default(''),
  file_size: z.coerce.number().default(0),
});

/** `GET /{phone-number-id}`. */
export const phoneNumberResponseSchema = z.object({
  id: idString,
  display_phone_number: str,
  verified_name: str.default(''),
  quality_rating: str.optional(),
  throughput: z.object({ level: str.optional() }).optional(),
  code_verification_status: str.optional(),
  name_status: str.optional(),
  platform_type: str.optional(),
});

const namedExample = z.array(z.object({ param_name: str, example: str }));

/** A template button definition. */
export const templateButtonSchema = z.object({
  type: str,
  text: str,
  url: str.optional(),
  phone_number: str.optional(),
  example: z.union([z.array(str), str]).optional(),
  otp_type: str.optional(),
});

/** A template component definition (HEADER, BODY, FOOTER, BUTTONS). */
export const templateComponentSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('HEADER'),
    format: z.enum(['TEXT', 'IMAGE', 'VIDEO', 'GIF', 'DOCUMENT', 'LOCATION']),
    text: str.optional(),
    example: z
      .object({ header_text: z.array(str).optional(), header_handle: z.array(str).optional(), header_text_named_params: namedExample.optional() })
      .optional(),
  }),
  z.object({
    type: z.literal('BODY'),
    text: str,
    example: z.object({ body_text: z.array(z.array(str)).optional(), body_text_named_params: namedExample.optional() }).optional(),
  }),
  z.object({ type: z.literal('FOOTER'), text: str }),
  z.object({ type: z.literal('BUTTONS'), buttons: z.array(templateButtonSchema) }),
]);

/** Meta spells component types in any case when creating; normalize to upper case before parsing. */
export function normalizeComponentCase(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const entries = Object.entries(raw).map(([k, v]) => [k, (k === 'type' || k === 'format') && typeof v === 'string' ? v.toUpperCase() : v]);
  return Object.fromEntries(entries);
}

/** A template as listed by `GET /{waba-id}/message_templates`. */
export const templateSchema = z.object({
  id: idString,
  name: str,
  language: str,
  status: str,
  category: str.default(''),
  parameter_format: z.enum(['POSITIONAL', 'NAMED']).optional(),
  components: z.array(z.unknown()).default([]),
  rejected_reason: str.optional(),
});

/** A Graph list page. */
export const templatePageSchema = z.object({
  data: z.array(templateSchema),
  paging: z
    .object({ cursors: z.object({ before: str.optional(), after: str.optional() }).optional(), next: str.optional() })
    .optional(),
});

/** `POST /{waba-id}/message_templates` → created. */
export const createTemplateResponseSchema = z.object({ id: idString, status: str, category: str.default('') });
