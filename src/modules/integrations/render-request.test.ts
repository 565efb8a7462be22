import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coerceArguments } from './coerce-arguments.ts';
import { ToolInputError } from './placeholders.ts';
import { type RenderContext, renderRequest } from './render-request.ts';
import { type ToolParameter, type ToolRequest, toolParameterSchema, toolRequestSchema } from './tool-definition.ts';

const param = (p: Partial<ToolParameter> & { name: string }): ToolParameter => toolParameterSchema.parse({ type: 'string', ...p });
const request = (r: Partial<ToolRequest> & { url: string }): ToolRequest => toolRequestSchema.parse(r);
const ctx = (args: RenderContext['args'], params: ToolParameter[], extra: Partial<RenderContext> = {}): RenderContext => ({
  params,
  args,
  secrets: { apiKey: 'sk_live_SECRET123456' },
  ...extra,
});

const BASE = 'https://api.shop.example/v1';
const errorOf = (fn: () => unknown): ToolInputError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ToolInputError) return err;
    throw err;
  }
  throw new Error('expected a ToolInputError');
};

describe('renderRequest: adversarial values', () => {
  const orderId = param({ name: 'orderId' });

  it('keeps a path traversal attempt inside one segment', () => {
    const r = renderRequest({ baseUrl: BASE, request: request({ url: '/orders/{{orderId}}' }) }, ctx({ orderId: '12345/../../admin' }, [orderId]));
    expect(r.url).toBe('https://api.shop.example/v1/orders/12345%2F..%2F..%2Fadmin');
    expect(new URL(r.url).pathname.split('/')).toHaveLength(4);
  });

  it('refuses "." and ".." as a whole segment', () => {
    for (const v of ['..', '.']) {
      const e = errorOf(() => renderRequest({ baseUrl: BASE, request: request({ url: '/orders/{{orderId}}/items' }) }, ctx({ orderId: v }, [orderId])));
      expect(e.code).toBe('invalid_path_segment');
    }
    // An encoded dot segment is itself encoded, so it stays a literal value.
    const r = renderRequest({ baseUrl: BASE, request: request({ url: '/orders/{{orderId}}/items' }) }, ctx({ orderId: '%2e%2e' }, [orderId]));
    expect(r.url).toBe(`${BASE}/orders/%252e%252e/items`);
  });

  it('encodes query and fragment characters in path values', () => {
    const r = renderRequest({ baseUrl: BASE, request: request({ url: '/orders/{{orderId}}' }) }, ctx({ orderId: 'a?admin=1#x' }, [orderId]));
    const u = new URL(r.url);
    expect(u.search).toBe('');
    expect(u.hash).toBe('');
    expect(decodeURIComponent(u.pathname.split('/').at(-1)!)).toBe('a?admin=1#x');
  });

  it('encodes query values so they cannot add parameters', () => {
    const city = param({ name: 'city' });
    const r = renderRequest(
      { baseUrl: null, request: request({ url: 'https://weather.example/data?q={{city}}&appid={{secrets.apiKey}}', query: [{ name: 'units', value: '{{city}}' }] }) },
      ctx({ city: 'Denver&appid=evil' }, [city]),
    );
    const u = new URL(r.url);
    expect([...u.searchParams.keys()]).toEqual(['q', 'appid', 'units']);
    expect(u.searchParams.get('q')).toBe('Denver&appid=evil');
    expect(u.searchParams.get('appid')).toBe('sk_live_SECRET123456');
    expect(r.secretValues).toEqual(['sk_live_SECRET123456']);
  });

  it('rejects CR/LF in header values instead of stripping them', () => {
    const name = param({ name: 'name' });
    const e = errorOf(() =>
      renderRequest({ baseUrl: BASE, request: request({ url: '/x', headers: [{ name: 'X-Customer', value: '{{name}}' }] }) }, ctx({ name: 'x\r\nHost: evil' }, [name])),
    );
    expect(e.code).toBe('unsafe_header_value');
    expect(e.path).toBe('request.headers.0.value');
  });

  it('inserts body values as JSON values, typed by parameter', () => {
    const params = [param({ name: 'orderId' }), param({ name: 'amount', type: 'number' }), param({ name: 'urgent', type: 'boolean' }), param({ name: 'note', required: false })];
    const coerced = coerceArguments(params, { orderId: '12"}, "admin": true, "x": {"', amount: '50,5', urgent: 'sí' });
    expect(coerced.ok).toBe(true);
    const r = renderRequest(
      { baseUrl: BASE, request: request({ method: 'POST', url: '/refunds', body: { orderId: '{{orderId}}', amount: '{{amount}}', urgent: '{{urgent}}', note: '{{note}}', text: 'Order {{orderId}} for {{contact.firstName}}' } }) },
      ctx(coerced.values, params, { contact: { firstName: 'Ana' } }),
    );
    expect(JSON.parse(r.body!)).toEqual({ orderId: '12"}, "admin": true, "x": {"', amount: 50.5, urgent: true, text: 'Order 12"}, "admin": true, "x": {" for Ana' });
    expect(r.headers).toContainEqual(['content-type', 'application/json']);
  });

  it('refuses placeholders in the host and unknown placeholders', () => {
    expect(errorOf(() => renderRequest({ baseUrl: null, request: request({ url: 'https://{{orderId}}.evil/x' }) }, ctx({ orderId: 'a' }, [orderId]))).code).toBe('placeholder_not_allowed');
    expect(errorOf(() => renderRequest({ baseUrl: BASE, request: request({ url: '/o/{{nope}}' }) }, ctx({}, [orderId]))).code).toBe('unknown_placeholder');
    expect(errorOf(() => renderRequest({ baseUrl: BASE, request: request({ url: '/o/{{secrets.missing}}' }) }, ctx({}, [orderId]))).code).toBe('unknown_placeholder');
    expect(errorOf(() => renderRequest({ baseUrl: BASE, request: request({ url: '/o/{{contact.password}}' }) }, ctx({}, [orderId]))).code).toBe('unknown_placeholder');
    expect(errorOf(() => renderRequest({ baseUrl: BASE, request: request({ url: '/o/{{ order-id }}' }) }, ctx({}, [orderId]))).code).toBe('malformed_placeholder');
  });

  it('leaves out optional inputs that are absent, and demands path inputs', () => {
    const q = param({ name: 'q', required: false });
    const r = renderRequest(
      { baseUrl: BASE, request: request({ url: '/search', query: [{ name: 'q', value: '{{q}}' }], headers: [{ name: 'X-Q', value: '{{q}}' }] }) },
      ctx({}, [q]),
    );
    expect(r.url).toBe(`${BASE}/search`);
    expect(r.headers).toEqual([]);
    expect(errorOf(() => renderRequest({ baseUrl: BASE, request: request({ url: '/o/{{q}}' }) }, ctx({}, [q]))).code).toBe('missing_argument');
  });

  it('lets tool headers override integration headers', () => {
    const r = renderRequest(
      { baseUrl: BASE, request: request({ url: '/x', headers: [{ name: 'x-version', value: '2' }] }), integrationHeaders: [{ name: 'X-Version', value: '1' }, { name: 'X-Key', value: '{{secrets.apiKey}}' }] },
      ctx({}, []),
    );
    expect(r.headers).toEqual([
      ['X-Key', 'sk_live_SECRET123456'],
      ['x-version', '2'],
    ]);
  });
});

describe('coerceArguments', () => {
  it('validates and converts every type', () => {
    const params = [
      param({ name: 'n', type: 'integer' }),
      param({ name: 'e', type: 'email' }),
      param({ name: 'p', type: 'phone' }),
      param({ name: 'd', type: 'date' }),
      param({ name: 'k', type: 'enum', enumValues: ['Envío', 'Recogida'] }),
      param({ name: 's', pattern: '[A-Z]{3}-\\d+' }),
    ];
    const ok = coerceArguments(params, { n: '42', e: ' Ana@Example.COM ', p: '+34 612 34 56 78', d: '2025-02-28T10:00:00Z', k: 'envio', s: 'ABC-12' });
    expect(ok).toEqual({ ok: true, values: { n: 42, e: 'Ana@example.com', p: '+34612345678', d: '2025-02-28', k: 'Envío', s: 'ABC-12' } });
    const bad = coerceArguments(params, { n: '4.5', e: 'nope', p: '12', d: '2025-02-30', k: 'x', s: 'abc-12' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues.map((i) => i.problem)).toEqual(['not_an_integer', 'invalid_email', 'invalid_phone', 'invalid_date', 'not_in_enum', 'pattern_mismatch']);
  });

  it('reports missing required values and drops undeclared ones', () => {
    const r = coerceArguments([param({ name: 'a' }), param({ name: 'b', required: false })], { c: 'x', b: '' });
    expect(r).toEqual({ ok: false, values: {}, issues: [{ param: 'a', problem: 'required', message: 'a is required' }] });
  });

  it('refuses objects and arrays', () => {
    const r = coerceArguments([param({ name: 'a' })], { a: { toString: 'x' } });
    expect(r.ok).toBe(false);
  });
});

describe('renderRequest: a parameter value never changes the request\'s shape (property)', () => {
  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('..', '.', '/', '../../admin', '?x=1', '#frag', '%2e%2e', '\\..\\', '&a=b', '"}', '\r\nX: y', '{{secrets.apiKey}}', '@evil.com', '//evil.com'),
  );
  const params = [param({ name: 'a' }), param({ name: 'b' })];
  const req = request({
    method: 'PUT',
    url: '/items/{{a}}/sub/x{{b}}y?f={{a}}&g=1',
    query: [{ name: 'q', value: '{{b}}' }],
    headers: [{ name: 'X-A', value: 'v={{a}}' }],
    body: { a: '{{a}}', nested: { list: ['{{b}}', 'k {{a}}'] } },
  });

  it('keeps method, host, path segment count, query keys, header count and JSON structure', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        let r: ReturnType<typeof renderRequest>;
        try {
          r = renderRequest({ baseUrl: BASE, request: req }, ctx({ a, b }, params));
        } catch (err) {
          // Refusing is fine (control characters in a header, "." segments, empty path values); anything else is a bug.
          expect(err).toBeInstanceOf(ToolInputError);
          return;
        }
        const u = new URL(r.url);
        expect(r.method).toBe('PUT');
        expect(u.host).toBe('api.shop.example');
        expect(u.pathname.split('/')).toHaveLength(6);
        expect(u.pathname.startsWith('/v1/items/')).toBe(true);
        expect([...u.searchParams.keys()]).toEqual(['f', 'g', 'q']);
        expect(u.searchParams.get('f')).toBe(a);
        expect(u.searchParams.get('q')).toBe(b);
        expect(decodeURIComponent(u.pathname.split('/')[3]!)).toBe(a);
        expect(r.headers).toHaveLength(2);
        const body = JSON.parse(r.body!);
        expect(Object.keys(body)).toEqual(['a', 'nested']);
        expect(body.a).toBe(a);
        expect(body.nested.list).toEqual([b, `k ${a}`]);
      }),
      { numRuns: 2000 },
    );
  });
});
