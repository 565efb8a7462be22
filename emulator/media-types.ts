/** Supported media types and sizes (reference §4, Meta's media page). */
export type MediaCategory = 'image' | 'video' | 'audio' | 'document' | 'sticker';

const MB = 1024 * 1024;

/** MIME type → category and maximum size. */
const TYPES: Record<string, { category: MediaCategory; maxBytes: number }> = {
  'image/jpeg': { category: 'image', maxBytes: 5 * MB },
  'image/png': { category: 'image', maxBytes: 5 * MB },
  'image/webp': { category: 'sticker', maxBytes: 500 * 1024 },
  'video/mp4': { category: 'video', maxBytes: 16 * MB },
  'video/3gpp': { category: 'video', maxBytes: 16 * MB },
  'audio/aac': { category: 'audio', maxBytes: 16 * MB },
  'audio/amr': { category: 'audio', maxBytes: 16 * MB },
  'audio/mpeg': { category: 'audio', maxBytes: 16 * MB },
  'audio/mp4': { category: 'audio', maxBytes: 16 * MB },
  'audio/ogg': { category: 'audio', maxBytes: 16 * MB },
  'text/plain': { category: 'document', maxBytes: 100 * MB },
  'application/pdf': { category: 'document', maxBytes: 100 * MB },
  'application/msword': { category: 'document', maxBytes: 100 * MB },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { category: 'document', maxBytes: 100 * MB },
  'application/vnd.ms-excel': { category: 'document', maxBytes: 100 * MB },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { category: 'document', maxBytes: 100 * MB },
  'application/vnd.ms-powerpoint': { category: 'document', maxBytes: 100 * MB },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { category: 'document', maxBytes: 100 * MB },
};

/** The base MIME type without parameters (`audio/ogg; codecs=opus` → `audio/ogg`). */
export const baseMime = (mime: string): string => mime.split(';')[0]?.trim().toLowerCase() ?? '';

/** Category and size limit of a MIME type, or undefined when WhatsApp does not accept it. */
export function mediaTypeInfo(mime: string): { category: MediaCategory; maxBytes: number } | undefined {
  return TYPES[baseMime(mime)];
}

/** Whether a file of this MIME type may be sent as a message of `type` (documents accept any file). */
export function mimeFitsMessageType(mime: string, type: MediaCategory): boolean {
  const info = mediaTypeInfo(mime);
  if (!info) return false;
  return type === 'document' || info.category === type;
}

/** A tiny valid PNG (1×1), used when an inbound image is simulated without data. */
export const PLACEHOLDER_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Default MIME type per category for simulated inbound media. */
export const DEFAULT_INBOUND_MIME: Record<MediaCategory, string> = {
  image: 'image/png',
  video: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/pdf',
  sticker: 'image/webp',
};
