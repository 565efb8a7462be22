/**
 * zod schemas of Meta's webhook wire format (reference §2). Loose on purpose: Meta adds fields
 * often, and a field we do not know must never make a whole notification unreadable.
 */
import { z } from 'zod';

const str = z.string();
const num = z.coerce.number();
/** Ids are strings on the wire, but some arrive as numbers (template ids); normalize them. */
const idString = z.union([z.string(), z.number()]).transform(String);

/** `entry[].changes[]` of any field. */
export const envelopeSchema = z.object({
  object: str.optional(),
  entry: z.array(
    z.object({
      id: idString,
      time: num.optional(),
      changes: z.array(z.object({ field: str, value: z.unknown() })).default([]),
    }),
  ),
});

/** An error object in `errors[]` (value level, message level or status level). */
export const errorDetailSchema = z.object({
  code: num,
  title: str.optional(),
  message: str.optional(),
  error_data: z.object({ details: str.optional() }).loose().optional(),
  href: str.optional(),
});
/** A parsed wire error. */
export type WireErrorDetail = z.infer<typeof errorDetailSchema>;

/** `value` of a `messages` change (inbound messages, statuses, errors). */
export const messagesValueSchema = z.object({
  messaging_product: str.optional(),
  metadata: z.object({ display_phone_number: str.default(''), phone_number_id: idString }),
  contacts: z
    .array(z.object({ profile: z.object({ name: str.optional() }).loose().optional(), wa_id: str.optional(), user_id: str.optional() }).loose())
    .optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});

/** Fields every inbound message has. */
export const messageBaseSchema = z
  .object({
    id: str.min(1),
    from: str.optional(),
    from_user_id: str.optional(),
    timestamp: num,
    type: str,
    context: z
      .object({ from: str.optional(), id: str.optional(), forwarded: z.boolean().optional(), frequently_forwarded: z.boolean().optional() })
      .loose()
      .optional(),
    referral: z
      .object({
        source_url: str.optional(),
        source_id: str.optional(),
        source_type: str.optional(),
        headline: str.optional(),
        body: str.optional(),
        media_type: str.optional(),
        image_url: str.optional(),
        video_url: str.optional(),
        thumbnail_url: str.optional(),
        ctwa_clid: str.optional(),
      })
      .loose()
      .optional(),
    errors: z.array(z.unknown()).optional(),
  })
  .loose();

/** Per-type content objects. */
export const textSchema = z.object({ body: str });
export const mediaSchema = z.object({
  id: idString,
  mime_type: str.default('application/octet-stream'),
  sha256: str.optional(),
  caption: str.optional(),
  filename: str.optional(),
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
  url: str.optional(),
});
export const locationSchema = z.object({
  latitude: num,
  longitude: num,
  name: str.optional(),
  address: str.optional(),
  url: str.optional(),
});
export const contactCardSchema = z.object({
  name: z
    .object({
      formatted_name: str.optional(),
      first_name: str.optional(),
      last_name: str.optional(),
      middle_name: str.optional(),
      prefix: str.optional(),
      suffix: str.optional(),
    })
    .default({}),
  phones: z.array(z.object({ phone: str.optional(), wa_id: str.optional(), type: str.optional() })).optional(),
  emails: z.array(z.object({ email: str, type: str.optional() })).optional(),
  urls: z.array(z.object({ url: str, type: str.optional() })).optional(),
  addresses: z
    .array(
      z.object({
        street: str.optional(),
        city: str.optional(),
        state: str.optional(),
        zip: str.optional(),
        country: str.optional(),
        country_code: str.optional(),
        type: str.optional(),
      }),
    )
    .optional(),
  org: z.object({ company: str.optional(), department: str.optional(), title: str.optional() }).optional(),
  birthday: str.optional(),
});
export const contactsSchema = z.array(contactCardSchema);
export const interactiveSchema = z.object({
  type: str,
  button_reply: z.object({ id: str, title: str }).optional(),
  list_reply: z.object({ id: str, title: str, description: str.optional() }).optional(),
  nfm_reply: z.object({ response_json: str.optional(), body: str.optional(), name: str.optional() }).optional(),
});
export const buttonSchema = z.object({ payload: str.default(''), text: str.default('') });
export const reactionSchema = z.object({ message_id: str, emoji: str.default('') });
export const orderSchema = z.object({
  catalog_id: str,
  text: str.optional(),
  product_items: z
    .array(z.object({ product_retailer_id: str, quantity: num, item_price: num, currency: str }))
    .default([]),
});
export const systemSchema = z.object({ body: str.default(''), type: str.default('unknown'), wa_id: str.optional(), new_wa_id: str.optional() });
export const revokeSchema = z.object({ original_message_id: str });
export const editSchema = z.object({ original_message_id: str, message: z.record(z.string(), z.unknown()).optional() });

/** An item of `statuses[]`. */
export const statusSchema = z.object({
  id: str.min(1),
  status: z.enum(['sent', 'delivered', 'read', 'played', 'failed']),
  timestamp: num,
  recipient_id: str.default(''),
  errors: z.array(z.unknown()).optional(),
  conversation: z
    .object({ id: str, expiration_timestamp: num.optional(), origin: z.object({ type: str.optional() }).optional() })
    .optional(),
  pricing: z
    .object({ billable: z.boolean().optional(), pricing_model: str.optional(), type: str.optional(), category: str.optional() })
    .optional(),
  biz_opaque_callback_data: str.optional(),
});

/** `value` of a `message_template_status_update` change. */
export const templateStatusValueSchema = z.object({
  event: str,
  message_template_id: idString,
  message_template_name: str,
  message_template_language: str,
  reason: str.nullable().optional(),
  message_template_category: str.optional(),
  rejection_info: z.object({ reason: str.optional(), recommendation: str.optional() }).optional(),
  other_info: z.object({ title: str.optional(), description: str.optional() }).optional(),
  disable_info: z.object({ disable_date: z.union([str, num]).transform(String).optional() }).optional(),
});
