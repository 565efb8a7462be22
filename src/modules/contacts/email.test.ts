import { describe, expect, it } from 'vitest';
import { normalizeEmail } from './email.ts';

describe('normalizeEmail', () => {
  it.each([
    ['mariajose@example.com', 'mariajose@example.com'],
    ['  Ana.Dup@Example.COM ', 'Ana.Dup@example.com'],
    ['joao.conceicao@example.com.br', 'joao.conceicao@example.com.br'],
    ['lucía+promo@correo.es', 'lucía+promo@correo.es'],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ['user@xn--exmple-cua.com', 'user@xn--exmple-cua.com'],
  ])('%s is valid', (input, out) => {
    expect(normalizeEmail(input)).toEqual({ ok: true, email: out });
  });

  it.each(['luis@@example', 'luis@example', 'plainaddress', '@example.com', 'a@b', 'a b@example.com', 'a@exa mple.com', 'a..b@example.com', '.a@example.com', 'a@-example.com', 'a@example.c0m', 'a@example.c'])(
    '%s is invalid',
    (input) => {
      expect(normalizeEmail(input)).toEqual({ ok: false, reason: 'email_invalid' });
    },
  );

  it('refuses addresses longer than 254 characters', () => {
    expect(normalizeEmail(`${'a'.repeat(250)}@example.com`)).toEqual({ ok: false, reason: 'email_too_long' });
  });
});
