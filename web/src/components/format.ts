import { useTranslation } from 'react-i18next';
import { useSession } from '../app/session.tsx';

/** Formats an ISO instant as a date and time in a time zone and language. */
export function formatDateTime(iso: string, language: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** "3 hours ago", "in 2 days" in a language. */
export function formatRelative(iso: string, language: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['week', 604_800],
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
  ];
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, 'minute');
}

/**
 * Date formatting in the interface language and the organization's time zone (falls back to the
 * browser's zone outside the signed-in shell).
 */
export function useFormatters() {
  const { i18n } = useTranslation();
  const { me } = useSession();
  const timeZone = me?.organization.timezone;
  return {
    timeZone,
    dateTime: (iso: string) => formatDateTime(iso, i18n.language, timeZone),
    relative: (iso: string) => formatRelative(iso, i18n.language),
  };
}
