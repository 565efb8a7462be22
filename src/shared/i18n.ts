/** Languages Charla speaks, in the dashboard and in the bot's own phrases. */
export const LOCALES = ['es', 'pt-BR', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** A catalog of phrases per locale; every locale must define every key (checked by the type). */
export type Catalog<K extends string> = Record<Locale, Record<K, string>>;

/** Picks the closest supported locale for a tag like `pt`, `pt-PT`, `es-MX` or `en-US`. */
export function resolveLocale(tag: string | null | undefined, fallback: Locale = 'es'): Locale {
  if (!tag) return fallback;
  const lower = tag.toLowerCase();
  if (lower.startsWith('pt')) return 'pt-BR';
  if (lower.startsWith('es')) return 'es';
  if (lower.startsWith('en')) return 'en';
  return fallback;
}

/** Returns a translator for a catalog: `t(locale, key, { name: 'Ana' })` fills `{{name}}`. */
export function translator<K extends string>(catalog: Catalog<K>) {
  return (locale: Locale, key: K, vars: Record<string, string | number> = {}) =>
    catalog[locale][key].replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? ''));
}
