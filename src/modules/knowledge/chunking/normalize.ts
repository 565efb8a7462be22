/** Lower-cases and folds accents (`¿Cuánto?` → `¿cuanto?`), the way the database's `charla_unaccent` does for search. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Folds a question for comparisons: accents, case, punctuation and extra spaces removed. */
export function normalizeQuestion(text: string): string {
  return foldText(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
