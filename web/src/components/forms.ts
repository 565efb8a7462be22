import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import { i18n, translateDynamic } from '../i18n/index.ts';

/** Errors of a Mantine form, by field path. */
type FormErrors = Record<string, ReactNode>;

/** The part of a Mantine form that problem mapping needs. */
interface FormLike {
  getValues(): unknown;
  setErrors(errors: FormErrors): void;
}

/** `body.address.city` → `address.city`; `body` alone → null. */
function formPath(serverPath: string): string | null {
  const path = serverPath.replace(/^(body|querystring|params)(\.|$)/, '');
  return path === '' ? null : path;
}

function hasPath(values: unknown, path: string): boolean {
  let current: unknown = values;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !(part in current)) return false;
    current = Reflect.get(current, part);
  }
  return true;
}

/**
 * Puts the field errors of a failed request (problem+json `errors`) under the matching inputs of a
 * Mantine form. `rename` maps server paths to form paths where they differ (e.g. `{ name: 'ownerName' }`).
 * Returns true when every problem landed on an input, so no toast is needed.
 */
export function applyProblemToForm(form: FormLike, error: unknown, rename: Record<string, string> = {}): boolean {
  if (!(error instanceof ApiError) || error.fieldErrors.length === 0) return false;
  const values = form.getValues();
  const errors: FormErrors = {};
  // A specific code (e.g. `wrong_password`) has a translated sentence; generic validation keeps the server's words.
  const translated = error.code === 'validation_failed' ? null : translateDynamic(`app:problems.${error.code}`, '') || null;
  let unmatched = 0;
  for (const problem of error.fieldErrors) {
    const raw = formPath(problem.path);
    const path = raw ? (rename[raw] ?? raw) : null;
    if (path && hasPath(values, path)) errors[path] = translated ?? problem.message;
    else unmatched++;
  }
  form.setErrors(errors);
  return unmatched === 0;
}

/** Translated validation rules for Mantine forms (`validate: { email: rules.email }`). */
export const rules = {
  required: (value: unknown) => (typeof value === 'string' ? value.trim() === '' : value === null || value === undefined) ? i18n.t('app:validation.required') : null,
  email: (value: string) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()) ? null : i18n.t('app:validation.email')),
  password: (value: string) => (value.length >= 8 ? null : i18n.t('app:validation.passwordLength')),
  maxLength: (max: number) => (value: string) => (value.length <= max ? null : i18n.t('app:validation.tooLong', { max })),
};
