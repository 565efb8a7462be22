import type { FieldIssue } from '../../shared/errors.ts';
import { normalizeEmail } from './email.ts';
import { normalizeHeader } from './imports/header-matching.ts';

/** A custom field definition as far as value validation is concerned. */
export interface FieldDef {
  key: string;
  label: string;
  component: 'input' | 'select' | 'textarea';
  inputType: 'text' | 'number' | 'email' | null;
  options: string[];
  required: boolean;
}

/** Maximum length of a text input value. */
export const TEXT_MAX = 500;
/** Maximum length of a text area value. */
export const TEXTAREA_MAX = 5000;

/** Why a value does not fit its field (reason codes shared with the import report). */
export type FieldValueResult =
  | { ok: true; value: string | number | null }
  | { ok: false; reason: 'number_invalid' | 'option_invalid' | 'email_invalid' | 'value_too_long'; params: Record<string, string | number> };

const NUMBER_RE = /^[+-]?(\d+([.,]\d+)?|[.,]\d+)$/;

/**
 * Coerces one value to its field's type: numbers from text (`"1,5"` → 1.5), select options matched
 * ignoring case and accents (stored as the option is written), e-mails validated. Empty means unset.
 */
export function coerceFieldValue(def: FieldDef, raw: unknown): FieldValueResult {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : String(raw);
  if (text === '') return { ok: true, value: null };
  const params = { field: def.label, value: text.length > 80 ? `${text.slice(0, 80)}…` : text };
  if (def.component === 'select') {
    const wanted = normalizeHeader(text);
    const option = def.options.find((o) => o === text) ?? def.options.find((o) => normalizeHeader(o) === wanted);
    return option === undefined ? { ok: false, reason: 'option_invalid', params: { ...params, options: def.options.join(', ') } } : { ok: true, value: option };
  }
  if (def.component === 'textarea') {
    return text.length > TEXTAREA_MAX ? { ok: false, reason: 'value_too_long', params: { ...params, max: TEXTAREA_MAX } } : { ok: true, value: text };
  }
  if (def.inputType === 'number') {
    if (typeof raw === 'number') return Number.isFinite(raw) ? { ok: true, value: raw } : { ok: false, reason: 'number_invalid', params };
    const compact = text.replace(/\s/g, '');
    if (!NUMBER_RE.test(compact)) return { ok: false, reason: 'number_invalid', params };
    const n = Number(compact.replace(',', '.'));
    return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, reason: 'number_invalid', params };
  }
  if (def.inputType === 'email') {
    const e = normalizeEmail(text);
    return e.ok ? { ok: true, value: e.email } : { ok: false, reason: 'email_invalid', params };
  }
  return text.length > TEXT_MAX ? { ok: false, reason: 'value_too_long', params: { ...params, max: TEXT_MAX } } : { ok: true, value: text };
}

const MESSAGES: Record<Exclude<FieldValueResult, { ok: true }>['reason'], string> = {
  number_invalid: 'Enter a number',
  option_invalid: 'Choose one of the options',
  email_invalid: 'Enter a valid e-mail address',
  value_too_long: 'Too long',
};

/**
 * Validates the custom field values of an API request against the organization's definitions and
 * merges them over the contact's current values (`null` or `""` clears a field). Unknown keys and
 * required fields left empty in the result are reported as issues (`customFields.<key>`).
 */
export function mergeCustomFields(
  defs: FieldDef[],
  current: Record<string, string | number>,
  input: Record<string, unknown> | undefined,
  options: { enforceRequired: boolean },
): { values: Record<string, string | number>; issues: FieldIssue[] } {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const values: Record<string, string | number> = {};
  // Values of fields that were deleted are dropped as they are met.
  for (const [k, v] of Object.entries(current)) if (byKey.has(k)) values[k] = v;
  const issues: FieldIssue[] = [];
  for (const [key, raw] of Object.entries(input ?? {})) {
    const def = byKey.get(key);
    if (!def) {
      issues.push({ path: `customFields.${key}`, message: 'Unknown contact field' });
      continue;
    }
    const result = coerceFieldValue(def, raw);
    if (!result.ok) issues.push({ path: `customFields.${key}`, message: MESSAGES[result.reason] });
    else if (result.value === null) delete values[key];
    else values[key] = result.value;
  }
  if (options.enforceRequired) {
    for (const def of defs) {
      if (def.required && values[def.key] === undefined && !issues.some((i) => i.path === `customFields.${def.key}`)) {
        issues.push({ path: `customFields.${def.key}`, message: 'Required' });
      }
    }
  }
  return { values, issues };
}
