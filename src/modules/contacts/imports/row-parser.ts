import type { CountryCode } from 'libphonenumber-js/max';
import type { ImportReason } from '../contacts.i18n.ts';
import { coerceFieldValue, type FieldDef } from '../custom-field-values.ts';
import { normalizeEmail } from '../email.ts';
import { normalizePhone } from '../phone.ts';
import { type ImportTarget, normalizeHeader } from './header-matching.ts';
import { type FileRow, MAX_IMPORT_ROWS } from './read-rows.ts';

/** A row turned into contact values (empty cells are absent: they never erase existing data). */
export interface Candidate {
  rowNumber: number;
  cells: string[];
  firstName?: string;
  lastName?: string;
  phone: string | null;
  email: string | null;
  street?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  notes?: string;
  custom: Record<string, string | number>;
  groups: string[];
  consent: 'granted' | 'revoked' | null;
}

/** A row that is not imported, with the field and the reason (a code plus its parameters). */
export interface RowError {
  rowNumber: number;
  cells: string[];
  field: string;
  reason: ImportReason;
  params: Record<string, string | number>;
}

/** Everything row parsing needs to know about the import. */
export interface RowContext {
  mapping: ImportTarget[];
  fields: Map<string, FieldDef>;
  region: CountryCode | undefined;
}

const LIMITS: Partial<Record<ImportTarget, number>> = {
  firstName: 120,
  lastName: 120,
  fullName: 240,
  street: 200,
  city: 120,
  state: 120,
  postalCode: 20,
  country: 80,
  notes: 10_000,
};
const YES = new Set(['si', 's', 'yes', 'y', 'sim', 'true', '1', 'x', 'granted', 'ok', 'acepta', 'aceita', 'accepted', 'opt in', 'optin']);
const NO = new Set(['no', 'n', 'nao', 'false', '0', 'revoked', 'rechaza', 'recusa', 'declined', 'opt out', 'optout']);

const shorten = (v: string) => (v.length > 80 ? `${v.slice(0, 80)}…` : v);

/** Parses one data row against the mapping; the first problem found makes the whole row an error. */
export function parseRow(row: FileRow, ctx: RowContext): { ok: true; candidate: Candidate } | { ok: false; error: RowError } {
  const fail = (field: string, reason: ImportReason, params: Record<string, string | number> = {}) =>
    ({ ok: false, error: { rowNumber: row.rowNumber, cells: row.cells, field, reason, params } }) as const;
  if (row.problem) return fail('row', row.problem, row.problem === 'row_limit_exceeded' ? { max: MAX_IMPORT_ROWS } : {});
  const c: Candidate = { rowNumber: row.rowNumber, cells: row.cells, phone: null, email: null, custom: {}, groups: [], consent: null };
  let fullName: string | undefined;
  for (let i = 0; i < ctx.mapping.length; i++) {
    const target = ctx.mapping[i]!;
    if (target === 'ignore') continue;
    const value = (row.cells[i] ?? '').trim();
    if (value === '') continue;
    const max = LIMITS[target];
    if (max !== undefined && value.length > max) return fail(target, 'value_too_long', { field: target, max });
    switch (target) {
      case 'phone': {
        const p = normalizePhone(value, ctx.region);
        if (!p.ok) return fail('phone', p.reason, { value: shorten(value) });
        c.phone = p.e164;
        break;
      }
      case 'email': {
        const e = normalizeEmail(value);
        if (!e.ok) return fail('email', e.reason, { value: shorten(value) });
        c.email = e.email;
        break;
      }
      case 'fullName':
        fullName = value;
        break;
      case 'group':
        for (const name of value.split(/[;|,]/)) {
          const g = name.trim();
          if (!g) continue;
          if (g.length > 100) return fail('group', 'group_name_invalid', { value: shorten(g) });
          c.groups.push(g);
        }
        break;
      case 'marketingConsent': {
        const v = normalizeHeader(value);
        if (YES.has(v)) c.consent = 'granted';
        else if (NO.has(v)) c.consent = 'revoked';
        else return fail('marketingConsent', 'consent_invalid', { value: shorten(value) });
        break;
      }
      case 'firstName':
      case 'lastName':
      case 'street':
      case 'city':
      case 'state':
      case 'postalCode':
      case 'country':
      case 'notes':
        c[target] = value;
        break;
      default: {
        const def = ctx.fields.get(target.slice('field:'.length));
        if (!def) break;
        const r = coerceFieldValue(def, value);
        if (!r.ok) return fail(target, r.reason, r.params);
        if (r.value !== null) c.custom[def.key] = r.value;
      }
    }
  }
  if (fullName !== undefined && c.firstName === undefined && c.lastName === undefined) {
    const clean = fullName.replace(/\s+/g, ' ');
    const space = clean.indexOf(' ');
    c.firstName = space === -1 ? clean : clean.slice(0, space);
    if (space !== -1) c.lastName = clean.slice(space + 1);
  }
  if (!c.phone && !c.email) return fail('phone', 'missing_phone_and_email');
  return { ok: true, candidate: c };
}

/** The required custom fields a contact would still lack after the import (keys). */
export function missingRequired(fields: Map<string, FieldDef>, values: Record<string, unknown>): FieldDef | undefined {
  for (const def of fields.values()) {
    if (def.required && (values[def.key] === undefined || values[def.key] === '')) return def;
  }
  return undefined;
}
