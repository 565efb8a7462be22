import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Why a phone number was refused (a reason code, translated when shown). */
export type PhoneProblem = 'phone_has_letters' | 'phone_too_short' | 'phone_too_long' | 'phone_needs_country_code' | 'phone_invalid';

/** The result of normalizing a phone number typed by a person or read from a file. */
export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: PhoneProblem };

const ALLOWED = /^[\d\s+\-()./\u00a0\u2010-\u2015]+$/;
const LETTER = /\p{L}/u;

/** A country code libphonenumber knows, or undefined (an organization may have none configured). */
export function toRegion(country: string | null | undefined): CountryCode | undefined {
  if (!country) return undefined;
  const upper = country.toUpperCase();
  return isSupportedCountry(upper) ? (upper as CountryCode) : undefined;
}

/**
 * Normalizes a phone number to E.164 with `defaultRegion` (the organization's country) for numbers
 * written without a country code. Accepts what people type — spaces, dashes, dots, parentheses, a
 * `00` international prefix (`0034 612 345 678`), a WhatsApp id or a number stored as digits in a
 * spreadsheet (`5511987654321`, tried with a `+` when it is not valid in the default region) — and
 * refuses letters and numbers that are not valid for their country.
 */
export function normalizePhone(input: string, defaultRegion?: CountryCode): PhoneResult {
  const raw = input.trim();
  if (LETTER.test(raw)) return { ok: false, reason: 'phone_has_letters' };
  if (!ALLOWED.test(raw)) return { ok: false, reason: 'phone_invalid' };
  const plus = raw.includes('+');
  if (plus && !raw.replace(/[\s(]/g, '').startsWith('+')) return { ok: false, reason: 'phone_invalid' };
  let digits = raw.replace(/\D/g, '');
  let international = plus;
  if (!plus && digits.startsWith('00')) {
    digits = digits.slice(2);
    international = true;
  }
  if (digits.length < 6) return { ok: false, reason: 'phone_too_short' };
  if (digits.length > 15) return { ok: false, reason: 'phone_too_long' };

  if (international) return validOrProblem(`+${digits}`, undefined);
  if (defaultRegion) {
    const national = parsePhoneNumberFromString(digits, defaultRegion);
    if (national?.isValid()) return { ok: true, e164: national.number };
  }
  // Spreadsheets drop the leading "+"; a WhatsApp id is the same digits.
  const withPlus = parsePhoneNumberFromString(`+${digits}`);
  if (withPlus?.isValid()) return { ok: true, e164: withPlus.number };
  return { ok: false, reason: defaultRegion ? 'phone_invalid' : 'phone_needs_country_code' };
}

function validOrProblem(text: string, region: CountryCode | undefined): PhoneResult {
  const parsed = parsePhoneNumberFromString(text, region);
  if (parsed?.isValid()) return { ok: true, e164: parsed.number };
  return { ok: false, reason: 'phone_invalid' };
}

/**
 * What a search for a phone typed in any format should look for: the digits to find inside stored
 * E.164 numbers (international prefix `00` and national trunk `0` removed) and, when the text is a
 * complete number, its E.164 form.
 */
export function phoneSearchTerms(query: string, defaultRegion?: CountryCode): { digits: string; e164: string | null } | null {
  const q = query.trim();
  if (!/^[\d\s+\-()./]+$/.test(q)) return null;
  let digits = q.replace(/\D/g, '');
  if (digits.length < 3) return null;
  if (digits.startsWith('00')) digits = digits.slice(2);
  else if (!q.startsWith('+') && digits.startsWith('0')) digits = digits.replace(/^0+/, '');
  const normalized = normalizePhone(q, defaultRegion);
  return { digits, e164: normalized.ok ? normalized.e164 : null };
}

/** The WhatsApp id form of an E.164 number (digits only). */
export const waIdOf = (e164: string): string => e164.replace(/\D/g, '');
