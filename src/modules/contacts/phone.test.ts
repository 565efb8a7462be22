import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { whatsappPhoneVariants } from './channel-contacts.ts';
import { normalizePhone, phoneSearchTerms } from './phone.ts';

describe('normalizePhone', () => {
  it.each([
    ['+55 (11) 9 8765-4321', undefined, '+5511987654321'],
    ['0034 612 345 678', 'CO', '+34612345678'],
    ['612345678', 'ES', '+34612345678'],
    ['612 34 56 78', 'ES', '+34612345678'],
    ['+57 300 123 4567', 'ES', '+573001234567'],
    ['3001234567', 'CO', '+573001234567'],
    ['(300) 123-4567', 'CO', '+573001234567'],
    ['300.123.4567', 'CO', '+573001234567'],
    ['+57 (310) 555-0101', undefined, '+573105550101'],
    ['11 98765-4321', 'BR', '+5511987654321'],
    ['5511987654321', 'MX', '+5511987654321'],
    ['55 1234 5678', 'MX', '+525512345678'],
    ['+1 (415) 555-2671', 'ES', '+14155552671'],
    ['\u00a0+34 612 345 678\u00a0', undefined, '+34612345678'],
  ] as const)('%s (region %s) → %s', (input, region, e164) => {
    expect(normalizePhone(input, region)).toEqual({ ok: true, e164 });
  });

  it.each([
    ['+57 31A 222 33B4', 'CO', 'phone_has_letters'],
    ['call me', 'CO', 'phone_has_letters'],
    ['1-800-FLOWERS', 'US', 'phone_has_letters'],
    ['12345', 'CO', 'phone_too_short'],
    ['+1234567890123456', 'CO', 'phone_too_long'],
    ['612345678', undefined, 'phone_needs_country_code'],
    ['+34 112', 'ES', 'phone_too_short'],
    ['+99 612 345 678', 'ES', 'phone_invalid'],
    ['000000000', 'ES', 'phone_invalid'],
    ['612#345678', 'ES', 'phone_invalid'],
    ['34+612345678', 'ES', 'phone_invalid'],
  ] as const)('%s (region %s) is refused: %s', (input, region, reason) => {
    expect(normalizePhone(input, region)).toEqual({ ok: false, reason });
  });

  it('never throws and always returns E.164 or a reason (any input)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.constantFrom(undefined, 'CO' as const, 'BR' as const, 'ES' as const), (s, region) => {
        const r = normalizePhone(s, region);
        if (r.ok) expect(r.e164).toMatch(/^\+\d{7,15}$/);
        else expect(r.reason).toMatch(/^phone_/);
      }),
    );
  });

  it('is idempotent: an E.164 result normalizes to itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3_000_000_000, max: 3_509_999_999 }), (n) => {
        const first = normalizePhone(String(n), 'CO');
        if (first.ok) expect(normalizePhone(first.e164, 'BR')).toEqual(first);
      }),
    );
  });
});

describe('phoneSearchTerms', () => {
  it('finds digits and the full number in any typed format', () => {
    expect(phoneSearchTerms('+57 300 123 4567', 'ES')).toEqual({ digits: '573001234567', e164: '+573001234567' });
    expect(phoneSearchTerms('300 123', 'CO')).toEqual({ digits: '300123', e164: null });
    expect(phoneSearchTerms('0034 612', 'ES')).toEqual({ digits: '34612', e164: null });
    expect(phoneSearchTerms('612345678', 'ES')).toEqual({ digits: '612345678', e164: '+34612345678' });
    expect(phoneSearchTerms('María', 'ES')).toBeNull();
    expect(phoneSearchTerms('12', 'ES')).toBeNull();
  });
});

describe('whatsappPhoneVariants', () => {
  it('covers the Brazilian ninth digit and the Mexican 521 prefix', () => {
    expect(whatsappPhoneVariants('551187654321')).toEqual(['+551187654321', '+5511987654321']);
    expect(whatsappPhoneVariants('5511987654321')).toEqual(['+5511987654321', '+551187654321']);
    expect(whatsappPhoneVariants('5215512345678')).toEqual(['+5215512345678', '+525512345678']);
    expect(whatsappPhoneVariants('34612345678')).toEqual(['+34612345678']);
  });
});
