import type { ToolParameter } from '../integrations/index.ts';
import { fold, isAffirmative, isNegative } from './text-match.ts';

/**
 * Pulls parameter values out of a customer's free text for the offline brain: order ids, amounts,
 * e-mails, phones, dates and enum values. It only proposes values; the executor's coercion decides.
 */

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/u;
const PHONE = /(?:\+|00)?\d[\d\s().-]{6,18}\d/;
const CURRENCY = /(€|\$|£|r\$|eur|euro|euros|usd|dolar|dolares|dollar|dollars|reais|real|brl|pesos)/;
const ORDER_HINT = /(pedido|order|orden|encomenda|compra|purchase|n[ºo°]|numero|number|#)/;
const DESCRIPTIVE = /^(description|descripcion|descricao|details|detalles|detalhes|message|mensaje|mensagem|body|problem|problema|issue)$/i;

/** A number found in text, with what surrounds it. */
interface NumberToken {
  raw: string;
  value: string;
  before: string;
  after: string;
}

function numberTokens(text: string): NumberToken[] {
  const f = fold(text);
  const out: NumberToken[] = [];
  for (const m of f.matchAll(/#?\d+(?:[.,]\d+)?/g)) {
    const start = m.index ?? 0;
    out.push({ raw: m[0], value: m[0].replace(/^#/, ''), before: f.slice(Math.max(0, start - 14), start), after: f.slice(start + m[0].length, start + m[0].length + 10) });
  }
  return out;
}

const matchesPattern = (p: ToolParameter, value: string) => {
  if (!p.pattern) return true;
  try {
    return new RegExp(`^(?:${p.pattern})$`, 'u').test(value);
  } catch {
    return false;
  }
};

/**
 * Values for the given parameters found in `text`. `asked` is the parameter the assistant just asked
 * for: a free-text answer fills it whole. `initial` marks the message that chose the tool, whose text
 * also serves as a description-like parameter.
 */
export function extractValues(params: readonly ToolParameter[], text: string, options: { asked?: string; initial?: boolean } = {}): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  const used = new Set<string>();
  const numbers = numberTokens(text);
  const f = fold(text);
  // Amounts first (a number next to a currency), then ids (pattern or "order" hint), then the rest.
  const ordered = [...params].sort((a, b) => rank(a) - rank(b));
  for (const p of ordered) {
    const asked = options.asked === p.name;
    const value = valueFor(p, text, f, numbers, used, asked);
    if (value !== undefined) {
      found[p.name] = value;
      used.add(String(value));
    } else if (asked && p.type === 'string' && !p.pattern && text.trim()) {
      found[p.name] = text.trim();
    } else if (options.initial && p.type === 'string' && !p.pattern && DESCRIPTIVE.test(p.name) && text.trim().split(/\s+/).length >= 4) {
      found[p.name] = text.trim();
    }
  }
  return found;
}

function rank(p: ToolParameter): number {
  if (p.type === 'number' || p.type === 'integer') return 0;
  if (p.pattern) return 1;
  return 2;
}

function valueFor(p: ToolParameter, text: string, f: string, numbers: NumberToken[], used: Set<string>, asked: boolean): unknown {
  switch (p.type) {
    case 'email':
      return text.match(EMAIL)?.[0];
    case 'phone': {
      const m = text.replace(EMAIL, ' ').match(PHONE)?.[0];
      return m && m.replace(/\D/g, '').length >= 7 ? m.trim() : undefined;
    }
    case 'boolean':
      if (isAffirmative(text)) return true;
      if (isNegative(text)) return false;
      return undefined;
    case 'enum':
      return (p.enumValues ?? []).find((v) => new RegExp(`(^|[^\\p{L}\\p{N}])${fold(v).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}])`, 'u').test(f));
    case 'date':
      return dateIn(f);
    case 'number':
    case 'integer': {
      const free = numbers.filter((n) => !used.has(n.value));
      const money = free.find((n) => CURRENCY.test(n.after) || CURRENCY.test(n.before.slice(-4)));
      const pick = money ?? (asked || free.length === 1 ? free[0] : free.find((n) => !ORDER_HINT.test(n.before) && !n.raw.startsWith('#')));
      return pick ? pick.value.replace(',', '.') : undefined;
    }
    case 'string': {
      if (!p.pattern) return undefined;
      const candidates = numbers.filter((n) => !used.has(n.value) && matchesPattern(p, n.raw.replace(/^#/, '')));
      const hinted = candidates.find((n) => ORDER_HINT.test(n.before) || n.raw.startsWith('#'));
      const pick = hinted ?? candidates.find((n) => !CURRENCY.test(n.after)) ?? (asked ? candidates[0] : undefined);
      if (pick) return pick.value;
      const token = text.split(/\s+/).find((w) => matchesPattern(p, w.replace(/[¿?¡!.,;:]+$/g, '')));
      return token?.replace(/[¿?¡!.,;:]+$/g, '');
    }
  }
}

function dateIn(f: string): string | undefined {
  const iso = f.match(/\b(\d{4})-(\d{2})-(\d{2})\b/);
  if (iso) return iso[0];
  const dmy = f.match(/\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b/);
  if (dmy) {
    const year = dmy[3]!.length === 2 ? `20${dmy[3]}` : dmy[3]!;
    return `${year}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`;
  }
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  if (/\b(pasado manana|depois de amanha|day after tomorrow)\b/.test(f)) return day(2);
  if (/\b(manana|amanha|tomorrow)\b/.test(f)) return day(1);
  if (/\b(hoy|hoje|today)\b/.test(f)) return day(0);
  if (/\b(ayer|ontem|yesterday)\b/.test(f)) return day(-1);
  return undefined;
}
