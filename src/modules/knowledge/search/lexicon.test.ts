import { describe, expect, it } from 'vitest';
import { editDistance, Lexicon } from './lexicon.ts';
import { trigramSimilarity } from './trigram.ts';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and transpositions as one edit each', () => {
    expect(editDistance('garant', 'garant')).toBe(0);
    expect(editDistance('garnat', 'garant')).toBe(1);
    expect(editDistance('devolucion', 'devolcuion')).toBe(1);
    expect(editDistance('envi', 'envio')).toBe(1);
    expect(editDistance('pago', 'fago')).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });
});

describe('Lexicon', () => {
  const lexicon = new Lexicon(
    [
      { ts_config: 'spanish', lexeme: 'garant', chunk_count: 3 },
      { ts_config: 'spanish', lexeme: 'devolucion', chunk_count: 4 },
      { ts_config: 'spanish', lexeme: 'envi', chunk_count: 9 },
      { ts_config: 'portuguese', lexeme: 'garant', chunk_count: 1 },
    ],
    20,
  );
  it('knows document frequencies per configuration', () => {
    expect(lexicon.df('spanish', 'envi')).toBe(9);
    expect(lexicon.df('english', 'envi')).toBe(0);
    expect(lexicon.has('portuguese', 'garant')).toBe(true);
  });
  it('finds known lexemes within the allowed edits', () => {
    expect(lexicon.similar('spanish', 'garnat', 1)).toEqual(['garant']);
    expect(lexicon.similar('spanish', 'devolcuion', 2)).toEqual(['devolucion']);
    expect(lexicon.similar('spanish', 'ajiac', 1)).toEqual([]);
    expect(lexicon.similar('english', 'garnat', 1)).toEqual([]);
  });
});

describe('trigramSimilarity', () => {
  it('behaves like pg_trgm (accents and case folded, words padded)', () => {
    expect(trigramSimilarity('¿Cuánto cuesta el envío?', 'cuanto cuesta el envio')).toBe(1);
    expect(trigramSimilarity('envío gratis', 'envio gratis')).toBe(1);
    expect(trigramSimilarity('word', 'two words')).toBeCloseTo(4 / 11, 5);
    expect(trigramSimilarity('', 'x')).toBe(0);
  });
});
