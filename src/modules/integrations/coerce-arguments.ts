import type { CountryCode } from 'libphonenumber-js/max';
import { normalizeEmail, normalizePhone } from '../contacts/index.ts';
import type { ToolParameter } from './tool-definition.ts';

/** A validated argument value, typed as its parameter says. */
export type ArgumentValue = string | number | boolean;

/** Why a value was refused; the offline brain turns these into a question in the customer's language. */
export type ArgumentProblem =
  | 'required'
  | 'wrong_type'
  | 'too_long'
  | 'not_a_number'
  | 'not_an_integer'
  | 'not_a_boolean'
  | 'not_in_enum'
  | 'invalid_date'
  | 'invalid_email'
  | 'invalid_phone'
  | 'pattern_mismatch';

/** One refused argument. */
export interface ArgumentIssue {
  param: string;
  problem: ArgumentProblem;
  message: string;
}

/** The outcome of checking a tool call's arguments. */
export type ArgumentsResult = { ok: true; values: Record<string, ArgumentValue> } | { ok: false; issues: ArgumentIssue[]; values: Record<string, ArgumentValue> };

/** Options of argument validation. */
export interface CoerceOptions {
  /** The organization's country, for phone numbers written without a country code. */
  region?: CountryCode;
}

const MAX_TEXT = 2000;
// Values tested against a person-written pattern are short, which bounds the cost of a bad regex.
const MAX_PATTERN_INPUT = 500;
const TRUE = new Set(['true', 'yes', 'y', 'si', 'sí', 'sim', '1', 'on']);
const FALSE = new Set(['false', 'no', 'n', 'não', 'nao', '0', 'off']);

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();

/**
 * Validates and converts one value for its parameter: numbers from "12,5" or 12.5, integers, booleans
 * from yes/sí/sim/true, enum values matched ignoring case and accents (returned as declared), ISO dates,
 * e-mails, and phones normalized to E.164. `pattern` is checked on the converted text.
 */
export function coerceArgument(param: ToolParameter, raw: unknown, options: CoerceOptions = {}): { ok: true; value: ArgumentValue } | { ok: false; problem: ArgumentProblem; message: string } {
  const fail = (problem: ArgumentProblem, message: string) => ({ ok: false as const, problem, message });
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return fail('wrong_type', `${param.name} must be a single value`);
  const text = typeof raw === 'string' ? raw.trim() : String(raw);
  if (text.length > MAX_TEXT) return fail('too_long', `${param.name} is longer than ${MAX_TEXT} characters`);
  let value: ArgumentValue;
  switch (param.type) {
    case 'string':
      value = typeof raw === 'string' ? raw : text;
      break;
    case 'number':
    case 'integer': {
      const n = typeof raw === 'number' ? raw : /^[+-]?\d+([.,]\d+)?$/.test(text) ? Number(text.replace(',', '.')) : Number.NaN;
      if (!Number.isFinite(n)) return fail('not_a_number', `${param.name} must be a number`);
      if (param.type === 'integer' && !Number.isSafeInteger(n)) return fail('not_an_integer', `${param.name} must be a whole number`);
      value = n;
      break;
    }
    case 'boolean': {
      const f = fold(text);
      if (TRUE.has(f)) value = true;
      else if (FALSE.has(f)) value = false;
      else return fail('not_a_boolean', `${param.name} must be true or false`);
      break;
    }
    case 'enum': {
      const found = (param.enumValues ?? []).find((v) => fold(v) === fold(text));
      if (found === undefined) return fail('not_in_enum', `${param.name} must be one of: ${(param.enumValues ?? []).join(', ')}`);
      value = found;
      break;
    }
    case 'date': {
      const date = isoDate(text);
      if (!date) return fail('invalid_date', `${param.name} must be a date as YYYY-MM-DD`);
      value = date;
      break;
    }
    case 'email': {
      const e = normalizeEmail(text);
      if (!e.ok) return fail('invalid_email', `${param.name} must be a valid e-mail address`);
      value = e.email;
      break;
    }
    case 'phone': {
      const p = normalizePhone(text, options.region);
      if (!p.ok) return fail('invalid_phone', `${param.name} must be a phone number with its country code (e.g. +34 612 345 678)`);
      value = p.e164;
      break;
    }
  }
  if (param.pattern) {
    const form = String(value);
    if (form.length > MAX_PATTERN_INPUT || !new RegExp(`^(?:${param.pattern})$`, 'u').test(form)) {
      return fail('pattern_mismatch', `${param.name} does not have the expected format`);
    }
  }
  return { ok: true, value };
}

/**
 * Validates a call's arguments against the tool's parameters. Missing required values and invalid
 * values are listed together; undeclared arguments are dropped (a model may invent extras); an empty
 * optional value counts as absent.
 */
export function coerceArguments(params: readonly ToolParameter[], args: Record<string, unknown>, options: CoerceOptions = {}): ArgumentsResult {
  const values: Record<string, ArgumentValue> = {};
  const issues: ArgumentIssue[] = [];
  for (const param of params) {
    const raw = Object.hasOwn(args, param.name) ? args[param.name] : undefined;
    if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
      if (param.required) issues.push({ param: param.name, problem: 'required', message: `${param.name} is required` });
      continue;
    }
    const result = coerceArgument(param, raw, options);
    if (result.ok) values[param.name] = result.value;
    else issues.push({ param: param.name, problem: result.problem, message: result.message });
  }
  return issues.length ? { ok: false, issues, values } : { ok: true, values };
}

/** `2024-02-29` (or the date part of an ISO date-time) when it is a real calendar date. */
function isoDate(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}
