import { parseTemplate, ToolInputError } from './placeholders.ts';
import type { ResponseMapping } from './tool-definition.ts';

/** One step of a response path: a property, an array index (negative counts from the end) or `[*]`. */
type Step = { key: string } | { index: number } | { all: true };

/**
 * Parses a JSONPath-like path: `data.order.status`, `$.items[0].name`, `items[-1]`, `items[*].sku`,
 * `['odd key'].value`. Throws `ToolInputError` on anything else.
 */
export function parsePath(path: string, where = 'responseMapping'): Step[] {
  const steps: Step[] = [];
  let rest = path.trim().replace(/^\$\.?/, '');
  const bad = () => new ToolInputError('invalid_argument', `"${path}" is not a valid path; write data.status or items[0].name`, where);
  const readers: [RegExp, (m: RegExpExecArray) => Step][] = [
    [/^\.?([A-Za-z_$][\w$-]*)/, (m) => ({ key: m[1]! })],
    [/^\[(-?\d+)\]/, (m) => ({ index: Number(m[1]) })],
    [/^\[\*\]/, () => ({ all: true })],
    [/^\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/, (m) => ({ key: (m[1] ?? m[2]!).replace(/\\(.)/g, '$1') })],
    [/^\.(\d+)/, (m) => ({ index: Number(m[1]) })],
  ];
  while (rest.length) {
    let matched = false;
    for (const [re, step] of readers) {
      const m = re.exec(rest);
      if (!m) continue;
      steps.push(step(m));
      rest = rest.slice(m[0].length);
      matched = true;
      break;
    }
    if (!matched) throw bad();
  }
  if (!steps.length) throw bad();
  return steps;
}

/** Reads a path from a parsed JSON value; `undefined` when any step is missing. `[*]` collects an array. */
export function readPath(value: unknown, path: string): unknown {
  return walk(value, parsePath(path));
}

function walk(value: unknown, steps: Step[]): unknown {
  if (!steps.length) return value;
  const [step, ...rest] = steps as [Step, ...Step[]];
  if ('all' in step) {
    if (!Array.isArray(value)) return undefined;
    return value.map((item) => walk(item, rest)).filter((v) => v !== undefined);
  }
  if ('index' in step) {
    if (!Array.isArray(value)) return undefined;
    return walk(value.at(step.index), rest);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, step.key)) return undefined;
  return walk((value as Record<string, unknown>)[step.key], rest);
}

/** Applies a tool's response mapping: each variable gets the value at its path (or null when absent). */
export function mapResponse(json: unknown, mapping: readonly ResponseMapping[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of mapping) out[m.variable] = readPath(json, m.path) ?? null;
  return out;
}

/**
 * Fills a reply template (`Tu pedido {{orderId}} está {{status}}`) with mapped variables, arguments and
 * contact fields. Lists are joined with commas; objects are written as compact JSON; a missing value is
 * an empty string. Secrets are never available here: the reply goes to the customer.
 */
export function renderReply(template: string, values: { variables: Record<string, unknown>; args: Record<string, unknown>; contact?: Record<string, unknown> | null }): string {
  return parseTemplate(template, 'replyTemplate')
    .map((part) => {
      if ('text' in part) return part.text;
      const { ref } = part;
      if (ref.scope === 'param') return display(Object.hasOwn(values.variables, ref.name) ? values.variables[ref.name] : values.args[ref.name]);
      if (ref.scope === 'contact') {
        const c = values.contact ?? {};
        return display(ref.name === 'name' ? [c.firstName, c.lastName].filter(Boolean).join(' ') : c[ref.name]);
      }
      return '';
    })
    .join('')
    .trim();
}

function display(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(display).filter(Boolean).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Limits of the JSON handed to a model. */
export interface TrimLimits {
  maxDepth: number;
  maxArrayItems: number;
  maxStringLength: number;
  maxKeys: number;
}

const DEFAULT_TRIM: TrimLimits = { maxDepth: 6, maxArrayItems: 20, maxStringLength: 500, maxKeys: 50 };

/**
 * A smaller copy of a response for a model's context: long strings cut, long arrays and objects
 * shortened (with a marker saying how many were left out), deep nesting summarized.
 */
export function trimJson(value: unknown, limits: Partial<TrimLimits> = {}): unknown {
  const l = { ...DEFAULT_TRIM, ...limits };
  const visit = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return v.length > l.maxStringLength ? `${v.slice(0, l.maxStringLength)}…` : v;
    if (v === null || typeof v !== 'object') return v;
    if (depth >= l.maxDepth) return Array.isArray(v) ? `[${v.length} items]` : '{…}';
    if (Array.isArray(v)) {
      const items = v.slice(0, l.maxArrayItems).map((item) => visit(item, depth + 1));
      if (v.length > l.maxArrayItems) items.push(`… ${v.length - l.maxArrayItems} more`);
      return items;
    }
    const entries = Object.entries(v);
    const out: Record<string, unknown> = {};
    for (const [k, item] of entries.slice(0, l.maxKeys)) out[k] = visit(item, depth + 1);
    if (entries.length > l.maxKeys) out['…'] = `${entries.length - l.maxKeys} more keys`;
    return out;
  };
  return visit(value, 0);
}
