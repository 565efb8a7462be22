import { describe, expect, it } from 'vitest';
import { appLocales } from '../app/locales.ts';
import { isLanguage, matchLanguage } from './languages.ts';

describe('languages', () => {
  it('matches browser tags to the dashboard languages', () => {
    expect(matchLanguage('pt-PT')).toBe('pt-BR');
    expect(matchLanguage('es-MX')).toBe('es');
    expect(matchLanguage('en-GB')).toBe('en');
    expect(matchLanguage('fr-FR')).toBeNull();
    expect(isLanguage('pt-BR')).toBe(true);
    expect(isLanguage('pt')).toBe(false);
  });

  it('translates every problem code in every language', () => {
    const codes = Object.keys(appLocales.en.problems).sort();
    expect(Object.keys(appLocales.es.problems).sort()).toEqual(codes);
    expect(Object.keys(appLocales['pt-BR'].problems).sort()).toEqual(codes);
  });
});
