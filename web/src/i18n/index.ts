import i18n, { type ParseKeys } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { appLocales } from '../app/locales.ts';
import { auditLocales } from '../features/audit/locales.ts';
import { channelsLocales } from '../features/channels/locales.ts';
import { contactsLocales } from '../features/contacts/locales.ts';
import { authLocales } from '../features/auth/locales.ts';
import { developerLocales } from '../features/developer/locales.ts';
import { homeLocales } from '../features/home/locales.ts';
import { inboxLocales } from '../features/inbox/locales.ts';
import { integrationsLocales } from '../features/integrations/locales.ts';
import { assistantLocales } from '../features/assistant/locales.ts';
import { knowledgeLocales } from '../features/knowledge/locales.ts';
import { profileLocales } from '../features/profile/locales.ts';
import { settingsLocales } from '../features/settings/locales.ts';
import { teamLocales } from '../features/team/locales.ts';
import { templatesLocales } from '../features/templates/locales.ts';
import { campaignsLocales } from '../features/campaigns/locales.ts';
import type { Locales } from './define.ts';
import { browserLanguage, isLanguage, LANGUAGES, type Language } from './languages.ts';

/**
 * Every translation namespace of the dashboard: one per feature, each defined in its own folder
 * (`features/<feature>/locales.ts`). To add a feature, import its locales and add ONE line here.
 */
export const namespaces = {
  app: appLocales,
  auth: authLocales,
  home: homeLocales,
  settings: settingsLocales,
  team: teamLocales,
  templates: templatesLocales,
  campaigns: campaignsLocales,
  developer: developerLocales,
  audit: auditLocales,
  channels: channelsLocales,
  inbox: inboxLocales,
  contacts: contactsLocales,
  profile: profileLocales,
  integrations: integrationsLocales,
  assistant: assistantLocales,
  knowledge: knowledgeLocales,
} satisfies Record<string, Locales<object>>;

/** The name of a translation namespace. */
export type Namespace = keyof typeof namespaces;

/** Every namespace, `app` first (the default), for components that show keys of any feature. */
export const allNamespaces: ['app', ...Namespace[]] = ['app', ...(Object.keys(namespaces) as Namespace[]).filter((ns) => ns !== 'app')];

/** A translation key of any namespace: `key` in `app`, `namespace:key` elsewhere (e.g. `contacts:nav`). */
export type AnyKey = ParseKeys<['app', ...Namespace[]]>;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'app';
    resources: { [N in Namespace]: (typeof namespaces)[N]['en'] };
  }
}

const STORAGE_KEY = 'charla.language';

/** The language chosen on this browser (kept in localStorage), if any. */
export function storedLanguage(): Language | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    return null;
  }
}

function resourcesFor(language: Language) {
  return Object.fromEntries(Object.entries(namespaces).map(([ns, locales]) => [ns, locales[language]]));
}

void i18n.use(initReactI18next).init({
  resources: Object.fromEntries(LANGUAGES.map((language) => [language, resourcesFor(language)])),
  lng: storedLanguage() ?? browserLanguage(),
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  ns: Object.keys(namespaces),
  defaultNS: 'app',
  interpolation: { escapeValue: false },
  initAsync: false,
  react: { useSuspense: false },
});

const syncDocument = (language: string) => {
  document.documentElement.lang = language;
};
syncDocument(i18n.language);
i18n.on('languageChanged', syncDocument);

/** The current dashboard language. */
export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

/**
 * Switches the interface language. `remember` keeps it in localStorage (an explicit choice); the
 * profile's language is saved separately by the caller (PATCH /api/v1/me).
 */
export async function applyLanguage(language: Language, options: { remember?: boolean } = {}): Promise<void> {
  if (options.remember) {
    try {
      localStorage.setItem(STORAGE_KEY, language);
    } catch {
      // Private mode or storage disabled: the choice lasts for this page only.
    }
  }
  if (i18n.language !== language) await i18n.changeLanguage(language);
}

/**
 * Translates a key built at run time (a problem code, an audit action), which the typed `t` cannot
 * check; returns `fallback` when no namespace has the key.
 */
export function translateDynamic(key: string, fallback: string, options: Record<string, unknown> = {}): string {
  if (!i18n.exists(key)) return fallback;
  // The typed `t` accepts only literal keys; this key was checked with `exists` just above.
  const t = i18n.t as unknown as (key: string, options: Record<string, unknown>) => string;
  return t(key, options);
}

export { i18n };
