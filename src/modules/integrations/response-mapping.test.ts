import { describe, expect, it } from 'vitest';
import { ToolInputError } from './placeholders.ts';
import { mapResponse, parsePath, readPath, renderReply, trimJson } from './response-mapping.ts';

const data = { data: { order: { status: 'shipped', 'odd key': 1 } }, items: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 2 }], total: 0, empty: null };

describe('response paths', () => {
  it('reads dot, bracket, negative index, wildcard and quoted keys', () => {
    expect(readPath(data, 'data.order.status')).toBe('shipped');
    expect(readPath(data, '$.items[0].sku')).toBe('A');
    expect(readPath(data, 'items[-1].qty')).toBe(2);
    expect(readPath(data, 'items.1.sku')).toBe('B');
    expect(readPath(data, 'items[*].sku')).toEqual(['A', 'B']);
    expect(readPath(data, "data.order['odd key']")).toBe(1);
    expect(readPath(data, 'total')).toBe(0);
    expect(readPath(data, 'missing.deep')).toBeUndefined();
    expect(readPath(data, 'items.length')).toBeUndefined();
    expect(readPath({ __proto__: { x: 1 } }, 'x')).toBeUndefined();
  });

  it('refuses malformed paths', () => {
    for (const bad of ['', 'a..b', 'a[', 'a b', '[x]', '$']) expect(() => parsePath(bad), bad).toThrow(ToolInputError);
  });

  it('maps variables (null when absent) and renders replies without secrets', () => {
    const vars = mapResponse(data, [
      { variable: 'status', path: 'data.order.status' },
      { variable: 'skus', path: 'items[*].sku' },
      { variable: 'nope', path: 'x.y' },
    ]);
    expect(vars).toEqual({ status: 'shipped', skus: ['A', 'B'], nope: null });
    expect(renderReply('Pedido {{orderId}} ({{skus}}) {{status}} {{nope}}, {{contact.firstName}} {{secrets.key}}', { variables: vars, args: { orderId: 7 }, contact: { firstName: 'Ana' } })).toBe(
      'Pedido 7 (A, B) shipped , Ana',
    );
  });

  it('trims JSON for a model', () => {
    const big = { list: Array.from({ length: 30 }, (_, i) => i), text: 'x'.repeat(600), deep: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } } };
    const t = trimJson(big) as { list: unknown[]; text: string; deep: unknown };
    expect(t.list).toHaveLength(21);
    expect(t.list.at(-1)).toBe('… 10 more');
    expect(t.text.length).toBe(501);
    expect(JSON.stringify(t.deep)).toContain('{…}');
  });
});
