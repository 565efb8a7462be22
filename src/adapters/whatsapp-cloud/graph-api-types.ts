/** The Graph API client's contract and the shapes it returns (media, phone number, templates). */
import type { TemplateStatus } from './inbound-types.ts';
import type { OutboundMessage } from './outbound-types.ts';

/** Meta accepted the message (HTTP 200). Delivery is reported later by status webhooks. */
export interface SendResult {
  wamid: string;
  /** The recipient's WhatsApp id as resolved by Meta (may differ from what was sent). */
  waId?: string;
  /** Only for paced templates: `accepted` or `held_for_quality_assessment`. */
  messageStatus?: string;
}

/** `GET /{media-id}`: a short-lived (5 minutes) download URL and the file's metadata. */
export interface MediaInfo {
  id: string;
  url: string;
  mimeType: string;
  sha256: string;
  fileSize: number;
}

/** A downloaded media file. */
export interface DownloadedMedia {
  data: Buffer;
  mimeType: string;
}

/** The business phone number, as `GET /{phone-number-id}` reports it ("check connection"). */
export interface PhoneNumberInfo {
  id: string;
  displayPhoneNumber: string;
  verifiedName: string;
  /** GREEN, YELLOW, RED or UNKNOWN. */
  qualityRating?: string;
  /** e.g. STANDARD (80 mps) or HIGH (1,000 mps). */
  throughputLevel?: string;
  codeVerificationStatus?: string;
  nameStatus?: string;
  platformType?: string;
}

/** Template categories. */
export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

/** A template button as Meta defines it (wire format). */
export interface TemplateButtonDefinition {
  type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE' | 'OTP' | 'VOICE_CALL' | 'FLOW' | (string & {});
  text: string;
  url?: string;
  phone_number?: string;
  example?: string[] | string;
  /** OTP buttons of authentication templates: `COPY_CODE`, `ONE_TAP` or `ZERO_TAP`. */
  otp_type?: string;
}

/** A template component as Meta defines it (wire format: submitted and stored as-is). */
export type TemplateDefinitionComponent =
  | {
      type: 'HEADER';
      format: 'TEXT' | 'IMAGE' | 'VIDEO' | 'GIF' | 'DOCUMENT' | 'LOCATION';
      text?: string;
      example?: { header_text?: string[]; header_handle?: string[]; header_text_named_params?: { param_name: string; example: string }[] };
    }
  | {
      type: 'BODY';
      text: string;
      example?: { body_text?: string[][]; body_text_named_params?: { param_name: string; example: string }[] };
    }
  | { type: 'FOOTER'; text: string }
  | { type: 'BUTTONS'; buttons: TemplateButtonDefinition[] };

/** A message template of the business account. */
export interface MessageTemplate {
  id: string;
  name: string;
  /** Language code such as `es`, `pt_BR`, `en_US`. */
  language: string;
  status: TemplateStatus | (string & {});
  category: string;
  parameterFormat?: 'POSITIONAL' | 'NAMED';
  components: TemplateDefinitionComponent[];
  /** Components Charla does not model (e.g. CAROUSEL, LIMITED_TIME_OFFER), as Meta sent them. */
  otherComponents?: unknown[];
  rejectedReason?: string;
}

/** What `createTemplate` submits for review. */
export interface CreateTemplateInput {
  name: string;
  language: string;
  category: TemplateCategory;
  parameterFormat?: 'POSITIONAL' | 'NAMED';
  components: TemplateDefinitionComponent[];
}

/** One page of templates; pass `nextCursor` as `after` for the next. */
export interface TemplatePage {
  templates: MessageTemplate[];
  nextCursor?: string;
}

/** The Graph API client's contract (implemented by `WhatsAppCloudClient`). */
export interface WhatsAppCloudApi {
  /** Sends a message; resolves when Meta accepted it (not delivered: watch status webhooks). */
  sendMessage(to: string, message: OutboundMessage): Promise<SendResult>;
  /** Marks an inbound message (and earlier ones) read; `typing` also shows "typing…" for up to 25 s. */
  markRead(wamid: string, options?: { typing?: boolean }): Promise<void>;
  /** Uploads a file to send later by id (ids last 30 days). */
  uploadMedia(data: Uint8Array, mimeType: string, filename: string): Promise<{ id: string }>;
  /** Resolves a media id to a download URL valid for 5 minutes. */
  getMedia(mediaId: string): Promise<MediaInfo>;
  /** Downloads a media URL with the access token. */
  downloadMedia(url: string): Promise<DownloadedMedia>;
  /** `getMedia` then `downloadMedia`: the usual way to fetch an inbound file by its media id. */
  fetchMedia(mediaId: string): Promise<DownloadedMedia & { sha256: string; fileSize: number }>;
  /** Deletes uploaded media. */
  deleteMedia(mediaId: string): Promise<void>;
  /** Reads the phone number's profile: verifies the credentials and ids together. */
  getPhoneNumber(): Promise<PhoneNumberInfo>;
  /** One page of the WABA's templates. */
  listTemplates(options?: { limit?: number; after?: string; name?: string; status?: string }): Promise<TemplatePage>;
  /** Every template of the WABA, following the pages. */
  listAllTemplates(options?: { name?: string; status?: string }): Promise<MessageTemplate[]>;
  /** Submits a template for review. */
  createTemplate(input: CreateTemplateInput): Promise<{ id: string; status: string; category: string }>;
  /** Edits a template's content (and category while it is not approved); it goes back to review. */
  editTemplate(templateId: string, input: { components: TemplateDefinitionComponent[]; category?: TemplateCategory }): Promise<void>;
  /** Uploads a header sample through Meta's resumable upload API (on the app) and returns its handle. */
  uploadTemplateSample(appId: string, data: Uint8Array, mimeType: string, filename: string): Promise<string>;
  /** Deletes a template: every language of `name`, or only the one with `templateId`. */
  deleteTemplate(name: string, templateId?: string): Promise<void>;
  /** Subscribes the app to the WABA's webhooks (needed once per WABA). */
  subscribeApp(): Promise<void>;
}
