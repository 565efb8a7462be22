/** What Charla sends: `OutboundMessage` and its parts (built into Meta's bodies by `build-message.ts`). */
import type { ContactCard, Location } from './inbound-types.ts';

/** A media file: previously uploaded (`id`, from `uploadMedia`) or a public https `link`. */
export type MediaRef = { id: string } | { link: string };

/** Header of an interactive reply-buttons message. */
export type InteractiveHeader =
  | { type: 'text'; text: string }
  | { type: 'image'; media: MediaRef }
  | { type: 'video'; media: MediaRef }
  | { type: 'document'; media: MediaRef; filename?: string };

/** A parameter of a template's header or body. `parameterName` is for NAMED-format templates. */
export type TemplateParameter =
  | { type: 'text'; text: string; parameterName?: string }
  | { type: 'currency'; fallbackValue: string; code: string; amount1000: number; parameterName?: string }
  | { type: 'date_time'; fallbackValue: string; parameterName?: string }
  | { type: 'image'; media: MediaRef }
  | { type: 'video'; media: MediaRef }
  | { type: 'document'; media: MediaRef; filename?: string }
  | { type: 'location'; location: Location };

/** Values for a template's variables when sending it. `index` is the 0-based button position. */
export type TemplateComponentInput =
  | { type: 'header'; parameters: TemplateParameter[] }
  | { type: 'body'; parameters: TemplateParameter[] }
  | { type: 'button'; subType: 'quick_reply'; index: number; payload: string }
  | { type: 'button'; subType: 'url'; index: number; text: string }
  | { type: 'button'; subType: 'copy_code'; index: number; couponCode: string };

/** Fields every outbound message may carry. */
export interface OutboundCommon {
  /** Quote this message (a wamid) in the reply. */
  replyTo?: string;
  /** Echoed back in the status webhooks (≤ 512 characters). */
  bizOpaqueCallbackData?: string;
}

/** A message Charla sends. Free-form types are only deliverable inside the 24-hour window. */
export type OutboundMessage = OutboundCommon &
  (
    | { type: 'text'; body: string; previewUrl?: boolean }
    | { type: 'image'; media: MediaRef; caption?: string }
    | { type: 'video'; media: MediaRef; caption?: string }
    | { type: 'audio'; media: MediaRef; voice?: boolean }
    | { type: 'document'; media: MediaRef; caption?: string; filename?: string }
    | { type: 'sticker'; media: MediaRef }
    | { type: 'template'; name: string; languageCode: string; components?: TemplateComponentInput[] }
    | {
        type: 'buttons';
        body: string;
        header?: InteractiveHeader;
        footer?: string;
        /** 1–3 buttons; titles ≤ 20 characters and unique. */
        buttons: { id: string; title: string }[];
      }
    | {
        type: 'list';
        body: string;
        /** Text header only. */
        header?: string;
        footer?: string;
        /** The label of the button that opens the list (≤ 20 characters). */
        buttonText: string;
        /** 1–10 sections; 1–10 rows in total. */
        sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
      }
    | { type: 'cta_url'; body: string; displayText: string; url: string; header?: InteractiveHeader; footer?: string }
    | { type: 'reaction'; messageId: string; /** Empty string removes the reaction. */ emoji: string }
    | { type: 'location'; location: Location }
    | { type: 'contacts'; contacts: ContactCard[] }
  );

/** The outbound message types. */
export type OutboundMessageType = OutboundMessage['type'];
