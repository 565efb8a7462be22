import { francAll } from 'franc-min';

/** Languages a document can be indexed in; `other` uses PostgreSQL's language-neutral `simple` configuration. */
export const DOCUMENT_LANGUAGES = ['es', 'pt', 'en', 'other'] as const;
export type DocumentLanguage = (typeof DOCUMENT_LANGUAGES)[number];

/** The PostgreSQL text-search configuration of each language (stemming and stop words). */
export const TS_CONFIG: Record<DocumentLanguage, 'spanish' | 'portuguese' | 'english' | 'simple'> = {
  es: 'spanish',
  pt: 'portuguese',
  en: 'english',
  other: 'simple',
};

const FRANC: Record<string, DocumentLanguage> = { spa: 'es', por: 'pt', eng: 'en' };

/**
 * Detects the language of a text with franc (trigram statistics): Spanish, Portuguese or English, or
 * `other` when the best guess is another language; `fallback` when the text is too short to tell.
 */
export function detectLanguage(text: string, fallback: DocumentLanguage = 'other'): DocumentLanguage {
  const sample = sampleOf(text);
  if (sample.replace(/\s+/g, '').length < 12) return fallback;
  const [best] = francAll(sample, { minLength: 10 });
  if (!best || best[0] === 'und') return fallback;
  return FRANC[best[0]] ?? 'other';
}

/** Normalizes a language given by a person or an API client (`pt-BR` → `pt`, `es-MX` → `es`). */
export function parseLanguage(value: string | null | undefined): DocumentLanguage | undefined {
  const lower = (value ?? '').toLowerCase();
  if (lower.startsWith('es')) return 'es';
  if (lower.startsWith('pt')) return 'pt';
  if (lower.startsWith('en')) return 'en';
  if (lower === 'other') return 'other';
  return undefined;
}

function sampleOf(text: string): string {
  const clean = text.replace(/[#*_|>]+/g, ' ').replace(/\s+/g, ' ');
  if (clean.length <= 6000) return clean;
  // Beginning, middle and end: a long document's first pages can be a cover or an index.
  const third = Math.floor(clean.length / 3);
  return `${clean.slice(0, 2000)} ${clean.slice(third, third + 2000)} ${clean.slice(-2000)}`;
}
