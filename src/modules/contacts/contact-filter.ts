import { and, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js/max';
import { contacts } from '../../db/schema/index.ts';
import { phoneSearchTerms } from './phone.ts';

/**
 * Which contacts a list, an export, a bulk group change or a campaign audience is about. Every
 * criterion narrows the set; an empty filter means every (not erased) contact of the organization.
 */
export interface ContactFilter {
  /** Free text: words of the name (accents and case ignored), part of an e-mail, or a phone in any format. */
  q?: string;
  /** Members of any of these groups. */
  groupIds?: string[];
  /** Custom field values that must match exactly (select options, numbers, texts). */
  fields?: Record<string, string | number>;
  /** Current marketing consent: granted, revoked, or never recorded. */
  marketingConsent?: 'granted' | 'revoked' | 'unknown';
  source?: 'whatsapp' | 'webchat' | 'import' | 'api' | 'assistant';
  /** Only these contacts. */
  ids?: string[];
}

/** `%` and `_` typed by a person are literal characters, not wildcards. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The SQL condition for a filter within one organization. Search words use one trigram index over the
 * unaccented name, e-mail and phone; a phone in any format becomes its digits (plus an exact match when
 * the text is a complete number in the organization's country).
 */
export function contactFilterSql(organizationId: string, filter: ContactFilter, region?: CountryCode): SQL {
  const conditions: (SQL | undefined)[] = [eq(contacts.organizationId, organizationId), isNull(contacts.erasedAt)];
  const q = filter.q?.trim();
  if (q) conditions.push(searchCondition(q, region));
  if (filter.groupIds?.length) {
    conditions.push(
      sql`exists (select 1 from contact_group_members m where m.contact_id = ${contacts.id} and m.group_id in (${sql.join(
        filter.groupIds.map((g) => sql`${g}::uuid`),
        sql`, `,
      )}))`,
    );
  }
  if (filter.fields && Object.keys(filter.fields).length) {
    conditions.push(sql`${contacts.customFields} @> ${JSON.stringify(filter.fields)}::jsonb`);
  }
  if (filter.marketingConsent === 'unknown') conditions.push(isNull(contacts.marketingConsent));
  else if (filter.marketingConsent) conditions.push(eq(contacts.marketingConsent, filter.marketingConsent));
  if (filter.source) conditions.push(eq(contacts.source, filter.source));
  if (filter.ids) conditions.push(filter.ids.length ? inArray(contacts.id, filter.ids) : sql`false`);
  return and(...conditions)!;
}

/** Digits of a phone search used to find candidates in the trigram index (the subscriber's end of the number). */
const PHONE_WINDOW = 7;

function searchCondition(q: string, region?: CountryCode): SQL {
  const phone = phoneSearchTerms(q, region);
  if (phone) {
    // A number's first digits (country, operator) are shared by most contacts, so their trigrams match
    // nearly every row and make the index scan slow: the index looks for the last digits, and the
    // whole number is checked on the few rows it returns.
    const window = phone.digits.slice(-PHONE_WINDOW);
    const like = sql`${contacts.searchText} like ${`%${window}%`}`;
    const contains = window === phone.digits ? like : sql`(${like} and strpos(${contacts.searchText}, ${phone.digits}) > 0)`;
    return phone.e164 ? sql`(${contacts.phone} = ${phone.e164} or ${contains})` : contains;
  }
  const words = q.split(/\s+/).filter(Boolean).slice(0, 8);
  if (words.length === 1 && [...words[0]!].length < 3) {
    // Too short for trigrams: a prefix of the name, which the (organization, name) b-tree serves.
    return sql`(${contacts.searchName} collate "C") like lower(charla_unaccent(${escapeLike(words[0]!)})) || '%'`;
  }
  // Every word must appear in the name, the e-mail or the phone (one trigram index covers the three).
  return and(...words.map(wordCondition))!;
}

function wordCondition(word: string): SQL {
  const like = (w: string) => sql`${contacts.searchText} like '%' || lower(charla_unaccent(${escapeLike(w)})) || '%'`;
  // An e-mail's domain (gmail.com, the company's own) is shared by many contacts and its trigrams
  // match most rows: the index looks for the part up to the "@", the whole word is checked after.
  const at = word.indexOf('@');
  if (at < 3 || at === word.length - 1) return like(word);
  return sql`(${like(word.slice(0, at + 1))} and strpos(${contacts.searchText}, lower(charla_unaccent(${word}))) > 0)`;
}
