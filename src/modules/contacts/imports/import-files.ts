import type { Db } from '../../../db/client.ts';
import type { Locale } from '../../../shared/i18n.ts';
import { COLUMN_KEYS, type ColumnKey, importReasonMessage, tContacts } from '../contacts.i18n.ts';
import type { FieldRow } from '../contacts.repository.ts';
import { allImportErrors, type ImportRow } from './imports.service.ts';

/** Columns of the import template (and of exports), in order: standard attributes then custom fields. */
export const TEMPLATE_COLUMNS: ColumnKey[] = [
  'firstName',
  'lastName',
  'phone',
  'email',
  'street',
  'city',
  'state',
  'postalCode',
  'country',
  'notes',
  'group',
  'marketingConsent',
];

/** Header row of the template in a language; the import's auto-mapping recognizes every one of them. */
export function templateHeaders(locale: Locale, fields: FieldRow[]): string[] {
  return [...TEMPLATE_COLUMNS.map((c) => tContacts(locale, `column.${c}`)), ...fields.map((f) => f.label)];
}

/** An example row for the template, so people see the expected formats. */
export function templateExample(locale: Locale, fields: FieldRow[]): string[] {
  const examples: Record<Locale, string[]> = {
    es: ['María', 'Gómez', '+57 300 123 4567', 'maria@example.com', 'Calle 10 # 5-20', 'Bogotá', 'Cundinamarca', '110111', 'Colombia', '', 'Clientes VIP', 'sí'],
    'pt-BR': ['João', 'Silva', '+55 11 98765-4321', 'joao@example.com', 'Rua Augusta, 1508', 'São Paulo', 'SP', '01304-001', 'Brasil', '', 'Clientes VIP', 'sim'],
    en: ['Jane', 'Doe', '+1 415 555 0100', 'jane@example.com', '1 Market St', 'San Francisco', 'CA', '94105', 'United States', '', 'VIP customers', 'yes'],
  };
  return [...examples[locale], ...fields.map((f) => (f.component === 'select' ? (f.options[0] ?? '') : f.inputType === 'number' ? '1' : ''))];
}

/** A field of an error row as a person reads it. */
function fieldLabel(locale: Locale, field: string, fields: Map<string, string>): string {
  if (field === 'row') return tContacts(locale, 'report.wholeRow');
  if (field.startsWith('field:')) return fields.get(field.slice(6)) ?? field.slice(6);
  if (field === 'fullName') return `${tContacts(locale, 'column.firstName')} + ${tContacts(locale, 'column.lastName')}`;
  return (COLUMN_KEYS as readonly string[]).includes(field) ? tContacts(locale, `column.${field as ColumnKey}`) : field;
}

/** Translated message of an error row (standard column names inside parameters are translated too). */
export function errorMessage(locale: Locale, reason: string, params: Record<string, string | number>, fields: Map<string, string>): string {
  const p = { ...params };
  if (typeof p.field === 'string' && !p.field.includes(' ')) p.field = fieldLabel(locale, p.field, fields);
  return importReasonMessage(locale, reason, p);
}

/**
 * The downloadable error report: row number, field and reason in the person's language, then the
 * row's original cells under the file's own headers, so it can be fixed and imported again.
 */
export async function* errorReportRows(db: Db, imp: ImportRow, locale: Locale, fields: FieldRow[]): AsyncGenerator<string[]> {
  const labels = new Map(fields.map((f) => [f.key, f.label]));
  yield [tContacts(locale, 'report.row'), tContacts(locale, 'report.field'), tContacts(locale, 'report.reason'), ...imp.headers];
  for await (const e of allImportErrors(db, imp.organizationId, imp.id)) {
    const cells = imp.headers.map((_, i) => e.cells[i] ?? '');
    yield [String(e.rowNumber), fieldLabel(locale, e.field, labels), errorMessage(locale, e.reason, e.params, labels), ...cells];
  }
}
