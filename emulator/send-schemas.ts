/**
 * Shapes of `POST /{phone-number-id}/messages` bodies. Structure only: Meta's length and count
 * limits are checked in `validate-send.ts`, so each failure gets Meta's code.
 */
import { z } from 'zod';

const str = z.string();

/** `{ id }` or `{ link }` plus the per-type extras. */
export const mediaObjectSchema = z.object({
  id: str.optional(),
  link: str.optional(),
  caption: str.optional(),
  filename: str.optional(),
  voice: z.boolean().optional(),
});
/** A media object in a request. */
export type MediaObject = z.infer<typeof mediaObjectSchema>;

const textSchema = z.object({ body: str, preview_url: z.boolean().optional() });

const interactiveHeaderSchema = z.object({
  type: str,
  text: str.optional(),
  image: mediaObjectSchema.optional(),
  video: mediaObjectSchema.optional(),
  document: mediaObjectSchema.optional(),
});

/** `interactive` of reply buttons, lists and CTA URL messages. */
export const interactiveSchema = z.object({
  type: str,
  header: interactiveHeaderSchema.optional(),
  body: z.object({ text: str }).optional(),
  footer: z.object({ text: str }).optional(),
  action: z.object({
    buttons: z.array(z.object({ type: str, reply: z.object({ id: str, title: str }) })).optional(),
    button: str.optional(),
    sections: z.array(z.object({ title: str.optional(), rows: z.array(z.object({ id: str, title: str, description: str.optional() })) })).optional(),
    name: str.optional(),
    parameters: z.object({ display_text: str, url: str }).optional(),
  }),
});
/** A parsed `interactive` object. */
export type InteractiveBody = z.infer<typeof interactiveSchema>;

/** A template parameter when sending. */
export const templateParameterSchema = z.object({
  type: str.transform((s) => s.toLowerCase()),
  parameter_name: str.optional(),
  text: str.optional(),
  payload: str.optional(),
  coupon_code: str.optional(),
  currency: z.object({ fallback_value: str, code: str, amount_1000: z.number() }).optional(),
  date_time: z.object({ fallback_value: str }).optional(),
  image: mediaObjectSchema.optional(),
  video: mediaObjectSchema.optional(),
  document: mediaObjectSchema.optional(),
  location: z.object({ latitude: z.number(), longitude: z.number(), name: str.optional(), address: str.optional() }).optional(),
});
/** A parsed template parameter. */
export type TemplateParameterBody = z.infer<typeof templateParameterSchema>;

/** `template` of a send: PYWA sends upper-case component types and numeric indexes; Meta accepts both. */
export const templateSendSchema = z.object({
  name: str,
  language: z.object({ code: str, policy: str.optional() }),
  components: z
    .array(
      z.object({
        type: str.transform((s) => s.toLowerCase()),
        sub_type: str.transform((s) => s.toLowerCase()).optional(),
        index: z.union([str, z.number()]).transform(Number).optional(),
        parameters: z.array(templateParameterSchema).default([]),
      }),
    )
    .default([]),
});
/** A parsed template send. */
export type TemplateSendBody = z.infer<typeof templateSendSchema>;

/** A full send body. `type` defaults to `text`, as on Meta's API. */
export const sendBodySchema = z.object({
  messaging_product: str,
  recipient_type: z.enum(['individual', 'group']).default('individual'),
  to: str,
  type: str.default('text'),
  context: z.object({ message_id: str }).optional(),
  biz_opaque_callback_data: str.optional(),
  text: textSchema.optional(),
  image: mediaObjectSchema.optional(),
  video: mediaObjectSchema.optional(),
  audio: mediaObjectSchema.optional(),
  document: mediaObjectSchema.optional(),
  sticker: mediaObjectSchema.optional(),
  interactive: interactiveSchema.optional(),
  template: templateSendSchema.optional(),
  reaction: z.object({ message_id: str, emoji: str.default('') }).optional(),
  location: z.object({ latitude: z.number(), longitude: z.number(), name: str.optional(), address: str.optional() }).optional(),
  contacts: z
    .array(z.object({ name: z.object({ formatted_name: str }).loose(), phones: z.array(z.object({ phone: str.optional(), wa_id: str.optional() }).loose()).optional() }).loose())
    .optional(),
});
/** A parsed send body. */
export type SendBody = z.infer<typeof sendBodySchema>;

/** Mark-as-read (and typing indicator) body: same endpoint, recognized by `status: "read"`. */
export const markReadSchema = z.object({
  messaging_product: str,
  status: z.literal('read'),
  message_id: str,
  typing_indicator: z.object({ type: z.literal('text') }).optional(),
});
