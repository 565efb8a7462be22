import { describe, expect, it } from 'vitest';
import { confidenceOf, idf, lexicalEvidence, reciprocalRankFusion, weightedCoverage } from './scoring.ts';

describe('reciprocalRankFusion', () => {
  it('adds weight / (k + rank) across lists', () => {
    const fused = reciprocalRankFusion([
      { ids: ['a', 'b', 'c'], weight: 1 },
      { ids: ['b', 'a'], weight: 1 },
      { ids: ['c'], weight: 2 },
    ]);
    expect(fused.map((f) => f.id)).toEqual(['c', 'a', 'b']);
    expect(fused[0]!.score).toBeCloseTo(1 / 63 + 2 / 61, 10);
    expect(fused[1]!.score).toBeCloseTo(1 / 61 + 1 / 62, 10);
  });
});

describe('idf and lexical evidence', () => {
  it('weighs rare and unknown lexemes more than common ones', () => {
    expect(idf(0, 100)).toBeGreaterThan(idf(1, 100));
    expect(idf(1, 100)).toBeGreaterThan(idf(50, 100));
    expect(idf(100, 100)).toBeGreaterThan(0);
  });

  it('computes IDF-weighted coverage, overall and in questions', () => {
    const weights: Record<string, number> = { envi: 1, mexic: 3 };
    const e = lexicalEvidence(['envi', 'mexic'], ['envi'], ['envi'], (l) => weights[l]!);
    expect(e).toEqual({ coverage: 0.25, questionCoverage: 0.25 });
    expect(lexicalEvidence([], [], [], () => 1)).toEqual({ coverage: 0, questionCoverage: 0 });
    expect(weightedCoverage({ coverage: 1, questionCoverage: 0 })).toBeCloseTo(0.7);
  });
});

describe('confidenceOf', () => {
  const base = { kind: 'qa' as const, coverage: 0, questionCoverage: 0, questionSimilarity: 0, vectorSimilarity: null };
  it('is certain when the query restates a phrasing', () => {
    expect(confidenceOf({ ...base, questionSimilarity: 1, coverage: 1, questionCoverage: 1 })).toBe(1);
  });
  it('is low when the query is about something the knowledge base lacks', () => {
    expect(confidenceOf({ ...base, coverage: 0.2, questionCoverage: 0.2, questionSimilarity: 0.15 })).toBeLessThan(0.45);
  });
  it('counts answer-only matches less than question matches, and prose less than Q&A', () => {
    const inAnswer = confidenceOf({ ...base, coverage: 0.8, questionCoverage: 0 });
    const inQuestion = confidenceOf({ ...base, coverage: 0.8, questionCoverage: 0.8 });
    expect(inQuestion).toBeGreaterThan(inAnswer);
    expect(confidenceOf({ ...base, kind: 'text', coverage: 0.8 })).toBeLessThan(inQuestion);
  });
  it('lets vectors lift a weak lexical match but never lower a strong one', () => {
    const weak = { ...base, coverage: 0.2, questionSimilarity: 0.2 };
    expect(confidenceOf({ ...weak, vectorSimilarity: 0.85 })).toBeGreaterThan(confidenceOf(weak));
    const strong = { ...base, questionSimilarity: 0.9 };
    expect(confidenceOf({ ...strong, vectorSimilarity: 0.1 })).toBe(confidenceOf(strong));
  });
});
