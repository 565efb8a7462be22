import { lintButtons } from './lint-buttons.ts';
import { LIMITS, type LintIssue, TEMPLATE_LANGUAGES } from './lint-issue.ts';
import { hasEmoji, lintVariables, suggestName } from './lint-text.ts';
import { isPositional, TEMPLATE_CATEGORIES, type TemplateDraft, variableKeys } from './template-draft.ts';

export { hasErrors, type LintIssue } from './lint-issue.ts';

/** Facts the linter cannot see in the draft itself: the header's sample file, once looked up. */
export interface LintContext {
  headerMedia?: { mimeType: string; size: number } | null;
}

const LANGUAGES = new Set<string>(TEMPLATE_LANGUAGES);

/**
 * Checks a template against Meta's rules before anything is submitted (reference §5.3), so a person
 * learns every problem at once, in words, instead of one cryptic rejection at a time. Pure and total:
 * it never throws; errors block submission, warnings are advice. Uniqueness of the name per language
 * needs the database and is checked by the service.
 */
export function lintTemplate(draft: TemplateDraft, context: LintContext = {}): LintIssue[] {
  const issues: LintIssue[] = [];
  lintName(draft.name, issues);
  if (!LANGUAGES.has(draft.language)) issues.push({ code: 'language_unsupported', path: 'language', severity: 'error', params: { language: draft.language } });
  if (!TEMPLATE_CATEGORIES.includes(draft.category)) issues.push({ code: 'category_unsupported', path: 'category', severity: 'error' });
  const authentication = draft.category === 'authentication';

  const header = draft.header ?? null;
  if (header && authentication) issues.push({ code: 'header_not_allowed', path: 'header', severity: 'error' });
  if (header?.format === 'text') {
    const length = [...header.text].length;
    if (!header.text.trim()) issues.push({ code: 'header_text_required', path: 'header.text', severity: 'error' });
    if (length > LIMITS.headerTextMax) issues.push({ code: 'header_text_too_long', path: 'header.text', severity: 'error', params: { max: LIMITS.headerTextMax, length } });
    if (/[\r\n]/.test(header.text)) issues.push({ code: 'header_line_break', path: 'header.text', severity: 'error' });
    if (hasEmoji(header.text)) issues.push({ code: 'header_emoji', path: 'header.text', severity: 'warning' });
    const keys = variableKeys(header.text);
    if (keys.length > 1) issues.push({ code: 'header_too_many_variables', path: 'header.text', severity: 'error', params: { count: keys.length } });
    lintVariables('header', header.text, header.examples, issues);
  } else if (header) {
    const rule = LIMITS.media[header.format];
    const media = context.headerMedia;
    if (!header.example.fileId && !header.example.handle) {
      issues.push({ code: 'header_media_example_required', path: 'header.example', severity: 'error', params: { format: header.format } });
    } else if (media) {
      if (!(rule.mimes as readonly string[]).includes(media.mimeType)) {
        issues.push({ code: 'header_media_type', path: 'header.example', severity: 'error', params: { format: header.format, allowed: rule.mimes.join(', '), got: media.mimeType } });
      }
      if (media.size > rule.maxBytes) {
        issues.push({ code: 'header_media_too_large', path: 'header.example', severity: 'error', params: { format: header.format, maxMb: rule.maxBytes / 1024 / 1024 } });
      }
    }
  }

  const body = draft.body.text;
  const bodyLength = [...body].length;
  if (!body.trim()) issues.push({ code: 'body_required', path: 'body.text', severity: 'error' });
  if (bodyLength > LIMITS.bodyMax) issues.push({ code: 'body_too_long', path: 'body.text', severity: 'error', params: { max: LIMITS.bodyMax, length: bodyLength } });
  if (/(\r?\n\s*){3,}/.test(body)) issues.push({ code: 'body_too_many_line_breaks', path: 'body.text', severity: 'warning' });
  const bodyTokens = lintVariables('body', body, draft.body.examples, issues);
  if (authentication && new Set(bodyTokens.map((t) => t.key)).size !== 1) {
    issues.push({ code: 'authentication_body_variables', path: 'body.text', severity: 'error' });
  }
  if (header?.format === 'text') {
    // One parameter format for the whole template: `{{1}}` in the header and `{{name}}` in the body cannot mix.
    const all = [...variableKeys(header.text), ...bodyTokens.map((t) => t.key)];
    const numbered = all.filter(isPositional).length;
    if (numbered && numbered !== all.length && !issues.some((i) => i.code === 'variable_mixed_formats')) {
      issues.push({ code: 'variable_mixed_formats', path: 'header.text', severity: 'error' });
    }
  }

  if (draft.footer) {
    const length = [...draft.footer.text].length;
    if (length > LIMITS.footerMax) issues.push({ code: 'footer_too_long', path: 'footer.text', severity: 'error', params: { max: LIMITS.footerMax, length } });
    if (/\{\{|\}\}/.test(draft.footer.text)) issues.push({ code: 'footer_variables', path: 'footer.text', severity: 'error' });
  }
  lintButtons(draft.buttons ?? [], draft.category, issues);
  return issues;
}

function lintName(name: string, issues: LintIssue[]) {
  if (!name.trim()) {
    issues.push({ code: 'name_required', path: 'name', severity: 'error' });
    return;
  }
  if (name.length > LIMITS.nameMax) issues.push({ code: 'name_too_long', path: 'name', severity: 'error', params: { max: LIMITS.nameMax } });
  if (!/^[a-z0-9_]+$/.test(name)) issues.push({ code: 'name_invalid', path: 'name', severity: 'error', params: { suggestion: suggestName(name) } });
}
