/** A translation of the same shape as the English source: same keys, any strings. */
export type Messages<T> = { [K in keyof T]: T[K] extends string ? string : Messages<T[K]> };

/** A feature's strings in every language of the dashboard. English is the source of the keys. */
export interface Locales<T extends object> {
  en: T;
  es: Messages<T>;
  'pt-BR': Messages<T>;
}

/**
 * Declares a feature's translations. The compiler checks that `es` and `pt-BR` have exactly the keys
 * of `en`, so a missing translation fails the build instead of showing a key on screen.
 */
export function defineLocales<T extends object>(locales: Locales<T>): Locales<T> {
  return locales;
}
