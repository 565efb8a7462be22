/** The dashboard's languages, in the order the picker lists them. */
export const LANGUAGES = ['es', 'pt-BR', 'en'] as const;
/** A dashboard language. */
export type Language = (typeof LANGUAGES)[number];

/** Each language's name in itself (the same in every interface language, so it is not translated). */
export const LANGUAGE_NAMES: Record<Language, string> = {
  es: 'Español',
  'pt-BR': 'Português (Brasil)',
  en: 'English',
};

/** Whether a value is one of the dashboard's languages. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The closest dashboard language to a BCP 47 tag (`pt-PT` → `pt-BR`, `es-MX` → `es`), or null. */
export function matchLanguage(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  if (isLanguage(tag)) return tag;
  const base = tag.toLowerCase().split('-')[0];
  if (base === 'pt') return 'pt-BR';
  if (base === 'es') return 'es';
  if (base === 'en') return 'en';
  return null;
}

/** The browser's preferred dashboard language (Spanish when it prefers none of ours). */
export function browserLanguage(): Language {
  const tags = typeof navigator === 'undefined' ? [] : [...(navigator.languages ?? []), navigator.language];
  for (const tag of tags) {
    const match = matchLanguage(tag);
    if (match) return match;
  }
  return 'es';
}
