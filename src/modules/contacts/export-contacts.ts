import { and, asc, gt } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { contacts } from '../../db/schema/index.ts';
import type { Locale } from '../../shared/i18n.ts';
import { type ContactFilter, contactFilterSql } from './contact-filter.ts';
import { type ColumnKey, tContacts } from './contacts.i18n.ts';
import { groupsOfContacts, loadFieldDefs, orgRegion } from './contacts.repository.ts';
import { TEMPLATE_COLUMNS } from './imports/import-files.ts';

const PAGE = 2000;
const EXPORT_COLUMNS: ColumnKey[] = [...TEMPLATE_COLUMNS, 'source', 'createdAt', 'lastSeenAt', 'id'];

/**
 * The rows of a contacts export (header first), read page by page in id order so memory stays flat
 * at any size. Columns are the import template's (so an export can be imported back) followed by the
 * custom fields, source, dates and id; headers in the person's language.
 */
export async function* exportContactRows(db: Db, organizationId: string, filter: ContactFilter, locale: Locale): AsyncGenerator<string[]> {
  const fields = await loadFieldDefs(db, organizationId);
  const region = filter.q ? await orgRegion(db, organizationId) : undefined;
  const standard = EXPORT_COLUMNS.filter((c) => c !== 'source' && c !== 'createdAt' && c !== 'lastSeenAt' && c !== 'id');
  yield [
    ...standard.map((c) => tContacts(locale, `column.${c}`)),
    ...fields.map((f) => f.label),
    ...(['source', 'createdAt', 'lastSeenAt', 'id'] as const).map((c) => tContacts(locale, `column.${c}`)),
  ];
  const yes = tContacts(locale, 'yes');
  const no = tContacts(locale, 'no');
  let after: string | undefined;
  for (;;) {
    const page = await db
      .select()
      .from(contacts)
      .where(and(contactFilterSql(organizationId, filter, region), after ? gt(contacts.id, after) : undefined))
      .orderBy(asc(contacts.id))
      .limit(PAGE);
    if (page.length === 0) return;
    const groups = await groupsOfContacts(db, organizationId, page.map((c) => c.id));
    for (const c of page) {
      const values: Record<(typeof standard)[number], string> = {
        firstName: c.firstName,
        lastName: c.lastName,
        phone: c.phone ?? '',
        email: c.email ?? '',
        street: c.street ?? '',
        city: c.city ?? '',
        state: c.state ?? '',
        postalCode: c.postalCode ?? '',
        country: c.country ?? '',
        notes: c.notes,
        group: (groups.get(c.id) ?? []).map((g) => g.name).join('; '),
        marketingConsent: c.marketingConsent === 'granted' ? yes : c.marketingConsent === 'revoked' ? no : '',
      };
      yield [
        ...standard.map((k) => values[k]),
        ...fields.map((f) => (c.customFields[f.key] === undefined ? '' : String(c.customFields[f.key]))),
        c.source,
        c.createdAt.toISOString(),
        c.lastSeenAt?.toISOString() ?? '',
        c.id,
      ];
    }
    after = page.at(-1)!.id;
    if (page.length < PAGE) return;
  }
}
