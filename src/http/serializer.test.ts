import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isStructural, serializerCompiler } from './serializer.ts';

const serializerFor = (schema: z.ZodType) => serializerCompiler({ schema, method: 'GET', url: '/x', httpStatus: '200' });

describe('response serializer', () => {
  const item = z.object({ id: z.string(), tags: z.array(z.enum(['a', 'b'])), owner: z.object({ name: z.string() }).nullable() });

  it('writes only the declared fields of a structural schema', () => {
    const serialize = serializerFor(item);
    const json = serialize({ id: '1', tags: ['a'], owner: { name: 'Ana', passwordHash: 'secret' }, internal: true });
    expect(JSON.parse(json)).toEqual({ id: '1', tags: ['a'], owner: { name: 'Ana' } });
  });

  it('refuses a response that does not match its schema instead of sending it', () => {
    const serialize = serializerFor(item);
    expect(() => serialize({ id: 1, tags: ['c'], owner: null })).toThrow(/Response doesn't match the schema/);
  });

  it('encodes through codecs (a Date written as its ISO string)', () => {
    const isoDate = z.codec(z.iso.datetime(), z.date(), { decode: (s) => new Date(s), encode: (d) => d.toISOString() });
    const schema = z.object({ at: isoDate });
    expect(isStructural(schema)).toBe(false);
    expect(JSON.parse(serializerFor(schema)({ at: new Date('2026-01-02T03:04:05.000Z') }))).toEqual({ at: '2026-01-02T03:04:05.000Z' });
  });

  it('tells structural schemas, recursive ones included, from those with codecs, transforms or defaults', () => {
    type Tree = { name: string; children: Tree[] };
    const tree: z.ZodType<Tree> = z.lazy(() => z.object({ name: z.string(), children: z.array(tree) }));
    expect(isStructural(item)).toBe(true);
    expect(isStructural(tree)).toBe(true);
    expect(isStructural(z.union([z.string(), z.record(z.string(), z.number())]).optional())).toBe(true);
    expect(isStructural(z.object({ n: z.string().transform(Number) }))).toBe(false);
    expect(isStructural(z.object({ n: z.number().default(1) }))).toBe(false);
  });
});
