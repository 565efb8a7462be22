/**
 * A deterministic, dependency-free text embedding for tests, the knowledge eval and benchmarks: hashed
 * word prefixes and character trigrams (accents folded, lower-cased), signed feature hashing into a fixed
 * number of dimensions, L2-normalized. It captures spelling overlap, not meaning — which is exactly what
 * a reproducible stand-in for a real model needs (same input, same vector, no download, no network).
 */
export function localEmbedding(text: string, dimensions = 256): number[] {
  const vector = new Float64Array(dimensions);
  const words = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1);
  for (const word of words) {
    add(vector, `w:${word.slice(0, 5)}`, 1);
    const padded = `#${word}#`;
    for (let i = 0; i + 3 <= padded.length; i++) add(vector, `t:${padded.slice(i, i + 3)}`, 0.5);
  }
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  return Array.from(vector, (v) => Math.round((v / norm) * 1e6) / 1e6);
}

function add(vector: Float64Array, feature: string, weight: number): void {
  const h = fnv1a(feature);
  const index = h % vector.length;
  vector[index]! += (h & 0x80000000 ? -1 : 1) * weight;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
