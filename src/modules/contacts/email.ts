/** Why an e-mail address was refused. */
export type EmailProblem = 'email_invalid' | 'email_too_long';

/** The result of checking an e-mail address. */
export type EmailResult = { ok: true; email: string } | { ok: false; reason: EmailProblem };

// Deliberately practical rather than RFC 5322-complete: one "@", a local part without spaces or
// quotes, and a domain of dot-separated labels ending in a letters-only TLD. Unicode letters are
// allowed (internationalized addresses such as joão@exemplo.com.br).
const LOCAL = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TLD = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;

/**
 * Validates an e-mail address and returns it trimmed, with the domain lower-cased (the local part is
 * kept as typed; uniqueness is checked case-insensitively on the whole address).
 */
export function normalizeEmail(input: string): EmailResult {
  const value = input.trim();
  if (value.length > 254) return { ok: false, reason: 'email_too_long' };
  const at = value.lastIndexOf('@');
  if (at <= 0 || value.indexOf('@') !== at) return { ok: false, reason: 'email_invalid' };
  const local = value.slice(0, at);
  const domain = value.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL.test(local)) return { ok: false, reason: 'email_invalid' };
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !TLD.test(labels.at(-1)!)) {
    return { ok: false, reason: 'email_invalid' };
  }
  return { ok: true, email: `${local}@${domain}` };
}
