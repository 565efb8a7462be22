import Papa from 'papaparse';
import { foldText } from '../chunking/normalize.ts';
import { type ExtractedContent, ExtractionFailure, type QaItem } from './types.ts';

const QUESTION = new Set(['question', 'questions', 'pregunta', 'preguntas', 'pergunta', 'perguntas', 'q', 'p']);
const ANSWER = new Set(['answer', 'answers', 'respuesta', 'respuestas', 'resposta', 'respostas', 'a', 'r']);
const TOPIC = new Set(['topic', 'tema', 'topico', 'category', 'categoria', 'assunto', 'section', 'seccion', 'secao']);

/**
 * Reads a question/answer CSV (any delimiter). Columns are found by their header in Spanish, Portuguese or
 * English (pregunta/pergunta/question, respuesta/resposta/answer, optional tema/topic); without a known
 * header, a two-column file is read as question, answer. A question cell may hold several phrasings (one
 * per line or separated by `|`), and rows with the same answer merge into one item, so every phrasing
 * points at its single answer.
 */
export function extractCsv(text: string): ExtractedContent {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter: '', skipEmptyLines: 'greedy' });
  const rows = parsed.data.filter((r) => Array.isArray(r) && r.some((c) => c.trim()));
  if (rows.length === 0) throw new ExtractionFailure('empty_file');
  if (parsed.errors.some((e) => e.type === 'Quotes') && rows.length < 2) throw new ExtractionFailure('csv_invalid');
  const header = rows[0]!.map((h) => foldText(h).replace(/[^a-z]/g, ''));
  let q = header.findIndex((h) => QUESTION.has(h));
  let a = header.findIndex((h) => ANSWER.has(h));
  const t = header.findIndex((h) => TOPIC.has(h));
  let body = rows.slice(1);
  if (q < 0 || a < 0) {
    if (rows.every((r) => r.length === 2) && q < 0 && a < 0) {
      q = 0;
      a = 1;
      body = rows;
    } else {
      throw new ExtractionFailure('csv_columns_missing');
    }
  }
  const items = new Map<string, QaItem>();
  for (const row of body) {
    const answer = (row[a] ?? '').trim();
    const questions = (row[q] ?? '')
      .split(/\n|\s\|\s/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (!answer || questions.length === 0) continue;
    const topic = t >= 0 ? (row[t] ?? '').trim() || null : null;
    const key = `${foldText(topic ?? '')}\u0000${foldText(answer)}`;
    const existing = items.get(key);
    if (existing) {
      for (const question of questions) if (!existing.questions.includes(question)) existing.questions.push(question);
    } else {
      items.set(key, { topic, questions, answer });
    }
  }
  const qa = [...items.values()];
  if (qa.length === 0) throw new ExtractionFailure('no_extractable_text');
  const rendered = qa.map((item) => [...item.questions.map((x) => `Q: ${x}`), `A: ${item.answer}`].join('\n')).join('\n\n');
  return { format: 'csv', text: rendered, qa };
}
