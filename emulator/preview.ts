/** How the phone page shows a message: one normalized shape per kind, computed by the server. */
export type Preview =
  | { kind: 'text'; text: string }
  | {
      kind: 'media';
      mediaType: 'image' | 'video' | 'audio' | 'document' | 'sticker';
      mediaId?: string;
      link?: string;
      caption?: string;
      filename?: string;
      voice?: boolean;
    }
  | { kind: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { kind: 'contacts'; names: string[] }
  | { kind: 'reaction'; messageId: string; emoji: string }
  | { kind: 'buttons'; header?: string; body: string; footer?: string; buttons: { id: string; title: string }[] }
  | {
      kind: 'list';
      header?: string;
      body: string;
      footer?: string;
      button: string;
      sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
    }
  | { kind: 'cta'; header?: string; body: string; footer?: string; displayText: string; url: string }
  | {
      kind: 'template';
      name: string;
      language: string;
      header?: string;
      headerMedia?: { mediaType: string; mediaId?: string; link?: string };
      body: string;
      footer?: string;
      buttons: { type: string; text: string; payload?: string; url?: string }[];
    }
  | { kind: 'choice'; id: string; title: string; description?: string; payload?: string }
  | { kind: 'unsupported' };

/** A media reference in a request (`{ id }` or `{ link }`) as preview fields. */
export function mediaSource(ref: { id?: string; link?: string } | undefined): { mediaId?: string; link?: string } {
  if (!ref) return {};
  return ref.id ? { mediaId: ref.id } : { link: ref.link };
}
