import { describe, expect, it } from 'vitest';
import { autoMap, normalizeHeader } from './header-matching.ts';

describe('normalizeHeader', () => {
  it('ignores case, accents and punctuation', () => {
    expect(normalizeHeader('  Teléfono (móvil) ')).toBe('telefono movil');
    expect(normalizeHeader('E-mail')).toBe('e mail');
    expect(normalizeHeader('Código_Postal')).toBe('codigo postal');
  });
});

describe('autoMap', () => {
  const fields = [{ key: 'tipo_de_cliente', label: 'Tipo de cliente' }, { key: 'nps', label: 'NPS' }];
  it('maps Spanish headers (the sample file)', () => {
    expect(autoMap(['Nombre', 'Apellido', 'Teléfono', 'Correo', 'Ciudad', 'Grupo', 'Tipo de cliente'], fields).mapping).toEqual([
      'firstName', 'lastName', 'phone', 'email', 'city', 'group', 'field:tipo_de_cliente',
    ]);
  });
  it('maps Portuguese headers', () => {
    expect(autoMap(['Nome', 'Sobrenome', 'Celular', 'E-mail', 'Endereço', 'Cidade', 'UF', 'CEP', 'País', 'Observações', 'Consentimento'], fields).mapping).toEqual([
      'firstName', 'lastName', 'phone', 'email', 'street', 'city', 'state', 'postalCode', 'country', 'notes', 'marketingConsent',
    ]);
  });
  it('maps English headers, custom fields by key, and distinctive words in longer headers', () => {
    expect(autoMap(['First Name', 'Last name', 'Mobile phone', 'Email address', 'ZIP', 'nps', 'Tags', 'Whatever'], fields).mapping).toEqual([
      'firstName', 'lastName', 'phone', 'email', 'postalCode', 'field:nps', 'group', 'ignore',
    ]);
    expect(autoMap(['Nombre completo', 'Teléfono WhatsApp del cliente', 'Correo del trabajo'], []).mapping).toEqual(['fullName', 'phone', 'email']);
  });
  it('uses each target once and reports repeated headers', () => {
    const r = autoMap(['Teléfono', 'Phone', 'Teléfono', 'Email'], []);
    expect(r.mapping).toEqual(['phone', 'ignore', 'ignore', 'email']);
    expect(r.duplicateColumns).toEqual([2]);
  });
  it('recognizes the headers of its own template and export in every language', () => {
    for (const headers of [
      ['Nombre', 'Apellido', 'Teléfono', 'Correo electrónico', 'Calle', 'Ciudad', 'Estado', 'Código postal', 'País', 'Notas', 'Grupos', 'Consentimiento de marketing'],
      ['Nome', 'Sobrenome', 'Telefone', 'E-mail', 'Endereço', 'Cidade', 'Estado', 'CEP', 'País', 'Observações', 'Grupos', 'Consentimento de marketing'],
      ['First name', 'Last name', 'Phone', 'Email', 'Street', 'City', 'State', 'Postal code', 'Country', 'Notes', 'Groups', 'Marketing consent'],
    ]) {
      expect(autoMap(headers, []).mapping).toEqual([
        'firstName', 'lastName', 'phone', 'email', 'street', 'city', 'state', 'postalCode', 'country', 'notes', 'group', 'marketingConsent',
      ]);
    }
  });
});
