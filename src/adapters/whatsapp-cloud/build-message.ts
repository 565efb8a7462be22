/**
 * Pure builders of the Graph API request bodies for `POST /{phone-number-id}/messages`, exactly as
 * Meta's reference shows them (reference §3). Kept apart from the HTTP client so tests can check
 * every body byte for byte.
 */
import type {
  ContactCard,
  InteractiveHeader,
  MediaRef,
  OutboundMessage,
  TemplateComponentInput,
  TemplateParameter,
} from './types.ts';

/** A JSON request body. */
export type JsonObject = { [key: string]: JsonValue };
/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/**
 * Formats a recipient for Meta: digits with a leading `+`. Meta prepends the *business* number's
 * country code to numbers without `+`, so a bare wa_id such as `5511987654321` must gain the `+`.
 */
export function formatRecipient(to: string): string {
  const digits = to.replace(/[\s\-().]/g, '');
  return digits.startsWith('+') ? digits : `+${digits}`;
}

/** The body that sends `message` to `to`. */
export function buildMessageBody(to: string, message: OutboundMessage): JsonObject {
  const body: JsonObject = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: formatRecipient(to),
    type: message.type === 'buttons' || message.type === 'list' || message.type === 'cta_url' ? 'interactive' : message.type,
  };
  if (message.replyTo) body.context = { message_id: message.replyTo };
  switch (message.type) {
    case 'text':
      body.text = { preview_url: message.previewUrl ?? false, body: message.body };
      break;
    case 'image':
    case 'video':
      body[message.type] = withOptional(mediaRef(message.media), { caption: message.caption });
      break;
    case 'audio':
      body.audio = withOptional(mediaRef(message.media), { voice: message.voice });
      break;
    case 'document':
      body.document = withOptional(mediaRef(message.media), { caption: message.caption, filename: message.filename });
      break;
    case 'sticker':
      body.sticker = mediaRef(message.media);
      break;
    case 'template':
      body.template = withOptional(
        { name: message.name, language: { code: message.languageCode } },
        { components: message.components?.length ? message.components.map(templateComponent) : undefined },
      );
      break;
    case 'buttons':
      body.interactive = withOptional(
        {
          type: 'button',
          body: { text: message.body },
          action: { buttons: message.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
        },
        { header: message.header && interactiveHeader(message.header), footer: message.footer === undefined ? undefined : { text: message.footer } },
      );
      break;
    case 'list':
      body.interactive = withOptional(
        {
          type: 'list',
          body: { text: message.body },
          action: {
            button: message.buttonText,
            sections: message.sections.map((s) =>
              withOptional(
                { rows: s.rows.map((r) => withOptional({ id: r.id, title: r.title }, { description: r.description })) },
                { title: s.title },
              ),
            ),
          },
        },
        {
          header: message.header === undefined ? undefined : { type: 'text', text: message.header },
          footer: message.footer === undefined ? undefined : { text: message.footer },
        },
      );
      break;
    case 'cta_url':
      body.interactive = withOptional(
        {
          type: 'cta_url',
          body: { text: message.body },
          action: { name: 'cta_url', parameters: { display_text: message.displayText, url: message.url } },
        },
        { header: message.header && interactiveHeader(message.header), footer: message.footer === undefined ? undefined : { text: message.footer } },
      );
      break;
    case 'reaction':
      body.reaction = { message_id: message.messageId, emoji: message.emoji };
      break;
    case 'location':
      body.location = withOptional(
        { latitude: message.location.latitude, longitude: message.location.longitude },
        { name: message.location.name, address: message.location.address },
      );
      break;
    case 'contacts':
      body.contacts = message.contacts.map(contactCard);
      break;
  }
  if (message.bizOpaqueCallbackData !== undefined) body.biz_opaque_callback_data = message.bizOpaqueCallbackData;
  return body;
}

/** Marks an inbound message read; with `typing` also shows the typing indicator (reference §3.2). */
export function buildMarkReadBody(wamid: string, typing = false): JsonObject {
  const body: JsonObject = { messaging_product: 'whatsapp', status: 'read', message_id: wamid };
  if (typing) body.typing_indicator = { type: 'text' };
  return body;
}

function mediaRef(ref: MediaRef): JsonObject {
  return 'id' in ref ? { id: ref.id } : { link: ref.link };
}

function interactiveHeader(header: InteractiveHeader): JsonObject {
  switch (header.type) {
    case 'text':
      return { type: 'text', text: header.text };
    case 'image':
      return { type: 'image', image: mediaRef(header.media) };
    case 'video':
      return { type: 'video', video: mediaRef(header.media) };
    case 'document':
      return { type: 'document', document: withOptional(mediaRef(header.media), { filename: header.filename }) };
  }
}

function templateComponent(c: TemplateComponentInput): JsonObject {
  if (c.type === 'header' || c.type === 'body') return { type: c.type, parameters: c.parameters.map(templateParameter) };
  const parameter: JsonObject =
    c.subType === 'quick_reply'
      ? { type: 'payload', payload: c.payload }
      : c.subType === 'url'
        ? { type: 'text', text: c.text }
        : { type: 'coupon_code', coupon_code: c.couponCode };
  return { type: 'button', sub_type: c.subType, index: String(c.index), parameters: [parameter] };
}

function templateParameter(p: TemplateParameter): JsonObject {
  switch (p.type) {
    case 'text':
      return withOptional({ type: 'text', text: p.text }, { parameter_name: p.parameterName });
    case 'currency':
      return withOptional(
        { type: 'currency', currency: { fallback_value: p.fallbackValue, code: p.code, amount_1000: p.amount1000 } },
        { parameter_name: p.parameterName },
      );
    case 'date_time':
      return withOptional({ type: 'date_time', date_time: { fallback_value: p.fallbackValue } }, { parameter_name: p.parameterName });
    case 'image':
      return { type: 'image', image: mediaRef(p.media) };
    case 'video':
      return { type: 'video', video: mediaRef(p.media) };
    case 'document':
      return { type: 'document', document: withOptional(mediaRef(p.media), { filename: p.filename }) };
    case 'location':
      return {
        type: 'location',
        location: withOptional({ latitude: p.location.latitude, longitude: p.location.longitude }, { name: p.location.name, address: p.location.address }),
      };
  }
}

function contactCard(c: ContactCard): JsonObject {
  const n = c.name;
  return withOptional(
    {
      name: withOptional(
        { formatted_name: n.formattedName },
        { first_name: n.firstName, last_name: n.lastName, middle_name: n.middleName, prefix: n.prefix, suffix: n.suffix },
      ),
    },
    {
      phones: c.phones?.map((p) => withOptional({}, { phone: p.phone, wa_id: p.waId, type: p.type })),
      emails: c.emails?.map((e) => withOptional({ email: e.email }, { type: e.type })),
      urls: c.urls?.map((u) => withOptional({ url: u.url }, { type: u.type })),
      addresses: c.addresses?.map((a) =>
        withOptional({}, { street: a.street, city: a.city, state: a.state, zip: a.zip, country: a.country, country_code: a.countryCode, type: a.type }),
      ),
      org: c.org && withOptional({}, { company: c.org.company, department: c.org.department, title: c.org.title }),
      birthday: c.birthday,
    },
  );
}

/** Adds the defined optional fields to `base` (Meta rejects explicit nulls for some fields). */
function withOptional(base: JsonObject, optional: Record<string, JsonValue | undefined>): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) out[key] = value;
  return out;
}
