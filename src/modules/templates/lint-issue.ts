/** What the template linter reports: stable codes, a field path, and the values its message needs. */

/** Every problem the linter knows, by stable code (messages in `lint-messages.ts`). */
export const LINT_CODES = [
  'name_required',
  'name_too_long',
  'name_invalid',
  'language_unsupported',
  'category_unsupported',
  'header_text_required',
  'header_text_too_long',
  'header_too_many_variables',
  'header_line_break',
  'header_emoji',
  'header_not_allowed',
  'header_media_example_required',
  'header_media_type',
  'header_media_too_large',
  'body_required',
  'body_too_long',
  'body_too_many_line_breaks',
  'variable_malformed',
  'variable_mixed_formats',
  'variable_not_sequential',
  'variable_adjacent',
  'variable_at_start',
  'variable_at_end',
  'variable_example_missing',
  'variable_example_invalid',
  'variable_example_unused',
  'variables_too_dense',
  'footer_too_long',
  'footer_variables',
  'buttons_too_many',
  'buttons_type_limit',
  'buttons_not_grouped',
  'buttons_over_three',
  'button_text_required',
  'button_text_too_long',
  'button_text_duplicate',
  'button_url_invalid',
  'button_url_too_long',
  'button_url_variable_position',
  'button_url_example_required',
  'button_url_example_invalid',
  'button_phone_invalid',
  'button_copy_code_example',
  'button_otp_only_authentication',
  'button_unsupported',
  'authentication_otp_required',
  'authentication_buttons',
  'authentication_body_variables',
] as const;
export type LintCode = (typeof LINT_CODES)[number];

/** One problem. `error`s block submission; `warning`s are advice (Meta may still reject). */
export interface LintIssue {
  code: LintCode;
  /** The field, as the API body spells it: `name`, `body.text`, `body.examples.1`, `buttons.2.url`… */
  path: string;
  severity: 'error' | 'warning';
  params?: Record<string, string | number>;
}

/** Meta's limits the linter applies (reference §5.3). */
export const LIMITS = {
  nameMax: 512,
  headerTextMax: 60,
  bodyMax: 1024,
  footerMax: 60,
  buttonsMax: 10,
  buttonTextMax: 25,
  urlMax: 2000,
  copyCodeMax: 15,
  exampleMax: 200,
  perType: { quick_reply: 10, url: 2, phone_number: 1, copy_code: 1, otp: 1 } as Record<string, number>,
  /** Header example files Meta accepts: MIME types and the largest size. */
  media: {
    image: { mimes: ['image/jpeg', 'image/png'], maxBytes: 5 * 1024 * 1024 },
    video: { mimes: ['video/mp4'], maxBytes: 16 * 1024 * 1024 },
    document: { mimes: ['application/pdf'], maxBytes: 100 * 1024 * 1024 },
  },
} as const;

/** Meta's template language codes. */
export const TEMPLATE_LANGUAGES = [
  'af', 'sq', 'ar', 'az', 'bn', 'bg', 'ca', 'zh_CN', 'zh_HK', 'zh_TW', 'hr', 'cs', 'da', 'nl', 'en', 'en_GB', 'en_US',
  'et', 'fil', 'fi', 'fr', 'ka', 'de', 'el', 'gu', 'ha', 'he', 'hi', 'hu', 'id', 'ga', 'it', 'ja', 'kn', 'kk', 'rw_RW',
  'ko', 'ky_KG', 'lo', 'lv', 'lt', 'mk', 'ms', 'ml', 'mr', 'nb', 'fa', 'pl', 'pt_BR', 'pt_PT', 'pa', 'ro', 'ru', 'sr',
  'sk', 'sl', 'es', 'es_AR', 'es_ES', 'es_MX', 'sw', 'sv', 'ta', 'te', 'th', 'tr', 'uk', 'ur', 'uz', 'vi', 'zu',
] as const;

/** Whether any issue blocks submission. */
export const hasErrors = (issues: LintIssue[]) => issues.some((i) => i.severity === 'error');
