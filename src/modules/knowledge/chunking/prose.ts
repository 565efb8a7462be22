import type { ChunkOptions } from './chunker.ts';

/**
 * Splits a section of prose into chunks of about `targetChars`: paragraphs are packed together, a long
 * paragraph is cut between sentences, a table stays whole or is cut between rows with its header row
 * repeated; each chunk after the first starts with the last sentence(s) of the previous one (up to
 * `overlapChars`) so a fact that straddles a boundary is still found with its context.
 */
export function splitProse(body: string, options: Pick<ChunkOptions, 'targetChars' | 'maxChars' | 'overlapChars'>): string[] {
  const units: { text: string; table: boolean }[] = [];
  for (const block of body.split(/\n\s*\n/)) {
    const text = block.trim();
    if (!text) continue;
    const lines = text.split('\n');
    const table = lines.length > 1 && lines.every((l) => l.trim().startsWith('|'));
    if (text.length <= options.maxChars) units.push({ text, table });
    else if (table) for (const part of splitTable(lines, options.maxChars)) units.push({ text: part, table: true });
    else for (const part of splitSentences(text, options.maxChars)) units.push({ text: part, table: false });
  }

  const chunks: string[] = [];
  let current: string[] = [];
  let size = 0;
  let lastProse = '';
  const flush = () => {
    if (current.length) chunks.push(current.join('\n\n'));
    current = [];
    size = 0;
  };
  for (const unit of units) {
    if (size > 0 && size + unit.text.length > options.targetChars) {
      flush();
      const overlap = unit.table ? '' : tail(lastProse, options.overlapChars);
      if (overlap && overlap.length + unit.text.length <= options.maxChars) {
        current.push(overlap);
        size += overlap.length;
      }
    }
    current.push(unit.text);
    size += unit.text.length + 2;
    if (!unit.table) lastProse = unit.text;
  }
  flush();
  return chunks;
}

/** Cuts text between sentences (or, for a monster sentence, between words) into pieces of at most `max`. */
function splitSentences(text: string, max: number): string[] {
  const sentences = text.split(/(?<=[.!?…;])\s+/);
  const pieces: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    for (const part of sentence.length > max ? splitWords(sentence, max) : [sentence]) {
      if (current && current.length + 1 + part.length > max) {
        pieces.push(current);
        current = part;
      } else {
        current = current ? `${current} ${part}` : part;
      }
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

function splitWords(text: string, max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    const w = word.length > max ? word.slice(0, max) : word;
    if (current && current.length + 1 + w.length > max) {
      out.push(current);
      current = w;
    } else current = current ? `${current} ${w}` : w;
  }
  if (current) out.push(current);
  return out;
}

function splitTable(lines: string[], max: number): string[] {
  const header = lines[0]!;
  const parts: string[] = [];
  let current = [header];
  let size = header.length;
  for (const row of lines.slice(1)) {
    if (current.length > 1 && size + row.length + 1 > max) {
      parts.push(current.join('\n'));
      current = [header];
      size = header.length;
    }
    current.push(row.length > max ? row.slice(0, max) : row);
    size += row.length + 1;
  }
  if (current.length > 1) parts.push(current.join('\n'));
  return parts;
}

/** The last whole sentences of `text` fitting in `max` characters. */
function tail(text: string, max: number): string {
  if (!text || max <= 0) return '';
  const sentences = text.split(/(?<=[.!?…;])\s+/);
  let out = '';
  for (let i = sentences.length - 1; i >= 0; i--) {
    const next = out ? `${sentences[i]} ${out}` : sentences[i]!;
    if (next.length > max) break;
    out = next;
  }
  return out === text ? '' : out;
}
