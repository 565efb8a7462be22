import { LIMITS, type LintIssue } from './lint-issue.ts';
import { scanVariables, type TemplateCategory, type DraftButton } from './template-draft.ts';

/**
 * Meta's button rules: at most 10 in all; per type at most 10 quick replies, 2 URL, 1 phone, 1 copy
 * code; texts of 1–25 characters; quick replies grouped apart from the other buttons; a URL variable
 * only at the end; authentication templates carry exactly one OTP button and nothing else. Pure.
 */
export function lintButtons(buttons: DraftButton[], category: TemplateCategory, issues: LintIssue[]): void {
  if (buttons.length > LIMITS.buttonsMax) {
    issues.push({ code: 'buttons_too_many', path: 'buttons', severity: 'error', params: { max: LIMITS.buttonsMax, count: buttons.length } });
  }
  const counts = new Map<string, number>();
  for (const b of buttons) counts.set(b.type, (counts.get(b.type) ?? 0) + 1);
  for (const [type, count] of counts) {
    const max = LIMITS.perType[type];
    if (max !== undefined && count > max) issues.push({ code: 'buttons_type_limit', path: 'buttons', severity: 'error', params: { type, max, count } });
  }
  const kinds = buttons.map((b) => b.type === 'quick_reply');
  const switches = kinds.filter((k, i) => i > 0 && k !== kinds[i - 1]).length;
  if (switches > 1) issues.push({ code: 'buttons_not_grouped', path: 'buttons', severity: 'error' });
  if (category === 'marketing' && buttons.length > 3) issues.push({ code: 'buttons_over_three', path: 'buttons', severity: 'warning', params: { count: buttons.length } });

  if (category === 'authentication') {
    if ((counts.get('otp') ?? 0) !== 1) issues.push({ code: 'authentication_otp_required', path: 'buttons', severity: 'error' });
    if (buttons.some((b) => b.type !== 'otp')) issues.push({ code: 'authentication_buttons', path: 'buttons', severity: 'error' });
  }

  const texts = new Map<string, number>();
  buttons.forEach((b, i) => {
    const path = `buttons.${i}`;
    if (b.type === 'unsupported') {
      issues.push({ code: 'button_unsupported', path, severity: 'error', params: { type: b.metaType } });
      return;
    }
    if (b.type === 'otp' && category !== 'authentication') issues.push({ code: 'button_otp_only_authentication', path, severity: 'error' });
    if (b.type !== 'copy_code') lintButtonText(b.text, path, issues, texts);
    if (b.type === 'url') lintUrl(b, path, issues);
    if (b.type === 'phone_number' && !/^\+[1-9]\d{6,18}$/.test(b.phoneNumber.replace(/[\s().-]/g, ''))) {
      issues.push({ code: 'button_phone_invalid', path: `${path}.phoneNumber`, severity: 'error' });
    }
    if (b.type === 'copy_code' && (b.example.trim() === '' || b.example.length > LIMITS.copyCodeMax || /\s/.test(b.example))) {
      issues.push({ code: 'button_copy_code_example', path: `${path}.example`, severity: 'error', params: { max: LIMITS.copyCodeMax } });
    }
  });
}

function lintButtonText(text: string, path: string, issues: LintIssue[], seen: Map<string, number>) {
  const trimmed = text.trim();
  if (!trimmed) {
    issues.push({ code: 'button_text_required', path: `${path}.text`, severity: 'error' });
    return;
  }
  if ([...text].length > LIMITS.buttonTextMax) {
    issues.push({ code: 'button_text_too_long', path: `${path}.text`, severity: 'error', params: { max: LIMITS.buttonTextMax, length: [...text].length } });
  }
  const key = trimmed.toLowerCase();
  if (seen.has(key)) issues.push({ code: 'button_text_duplicate', path: `${path}.text`, severity: 'error', params: { text: trimmed } });
  seen.set(key, 1);
}

function lintUrl(b: Extract<DraftButton, { type: 'url' }>, path: string, issues: LintIssue[]) {
  const { tokens, malformed } = scanVariables(b.url);
  const base = b.url.replace(/\{\{[^{}]*\}\}$/, '');
  let valid = /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(base.length ? base : b.url) && malformed.length === 0;
  try {
    if (valid) new URL(base);
  } catch {
    valid = false;
  }
  if (!valid) issues.push({ code: 'button_url_invalid', path: `${path}.url`, severity: 'error' });
  if (b.url.length > LIMITS.urlMax) issues.push({ code: 'button_url_too_long', path: `${path}.url`, severity: 'error', params: { max: LIMITS.urlMax } });
  if (tokens.length > 1 || (tokens.length === 1 && (tokens[0]!.key !== '1' || tokens[0]!.end !== b.url.length))) {
    issues.push({ code: 'button_url_variable_position', path: `${path}.url`, severity: 'error' });
  }
  if (tokens.length >= 1) {
    const example = b.example?.trim() ?? '';
    if (!example) issues.push({ code: 'button_url_example_required', path: `${path}.example`, severity: 'error' });
    else if (/\s|\{\{|\}\}/.test(example) || example.length > LIMITS.exampleMax) {
      issues.push({ code: 'button_url_example_invalid', path: `${path}.example`, severity: 'error' });
    }
  }
}
