import type { QaItem } from '../extract/types.ts';
import { splitProse } from './prose.ts';

/** A retrievable piece of a document: a whole Q&A pair, or a slice of prose under its headings. */
export interface Chunk {
  kind: 'qa' | 'text';
  /** The document's topic at this point (`# TEMA: …`, a top-level heading, a CSV topic column). */
  topic: string | null;
  /** The nearest lower-level heading, for prose. */
  heading: string | null;
  /** Every phrasing of the question (Q&A chunks). */
  questions: string[];
  /** The one answer every phrasing points at (Q&A chunks). */
  answer: string | null;
  /** The chunk as shown to people and given to a language model. */
  content: string;
}

/** Sizes for prose chunks, in characters. */
export interface ChunkOptions {
  targetChars: number;
  maxChars: number;
  overlapChars: number;
  /** An answer longer than this stops absorbing the text that follows it. */
  maxAnswerChars: number;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { targetChars: 900, maxChars: 1500, overlapChars: 160, maxAnswerChars: 1500 };

const TOPIC_RE = /^(?:tema|topic|t[oó]pico|assunto)\s*:\s*(.+)$/i;
const QUESTION_RE = /^(?:(?:pregunta|pergunta|question|frage)\s*\d*\s*[:.\-–—)]|[QP]\s*\d*\s*[:.)])\s*(.+)$/i;
const ANSWER_RE = /^(?:(?:respuesta|resposta|answer|antwort)\s*\d*\s*[:.\-–—)]|[ARS]\s*\d*\s*[:.)])\s*(.*)$/i;

type Line =
  | { type: 'blank' }
  | { type: 'heading'; level: number; text: string }
  | { type: 'topic'; text: string }
  | { type: 'question'; text: string }
  | { type: 'answer'; text: string }
  | { type: 'text'; text: string; raw: string; looksLikeQuestion: boolean };

/**
 * Splits a document's text into chunks, understanding the Q&A format knowledge bases are written in:
 * `# TEMA:` / headings set the topic kept on every chunk; `**Pregunta:** …` / `Pergunta:` / `Question:` /
 * `Q:` lines (several phrasings in a row) followed by `Respuesta:` / `Resposta:` / `Answer:` / `A:` (or
 * just the answer text) become one chunk that keeps the pair whole; a short line ending in `?` — a FAQ
 * heading — works as a question too. Everything else is prose, split by headings and paragraphs with
 * overlap, tables kept whole or split by rows with their header repeated.
 */
export function chunkText(text: string, options: ChunkOptions = DEFAULT_CHUNK_OPTIONS): Chunk[] {
  const chunks: Chunk[] = [];
  let topic: string | null = null;
  let heading: string | null = null;
  let questions: string[] = [];
  // Questions found without a marker (FAQ headings, `¿…?` lines) get a shorter answer budget than marked ones.
  let implicit = true;
  let answer: string[] | null = null;
  let prose: string[] = [];

  const flushProse = () => {
    const body = prose.join('\n').replace(/\n{3,}/g, '\n\n').trim();
    prose = [];
    if (!body) return;
    for (const piece of splitProse(body, options)) chunks.push({ kind: 'text', topic, heading, questions: [], answer: null, content: piece });
  };
  const flushQa = () => {
    if (questions.length && answer) {
      const body = answer.join('\n').replace(/\n{3,}/g, '\n\n').trim();
      if (body) {
        chunks.push({ kind: 'qa', topic, heading, questions: dedupe(questions), answer: body, content: `${dedupe(questions).join('\n')}\n${body}` });
      } else {
        prose.push(...questions);
      }
    } else if (questions.length) {
      prose.push(...questions);
    }
    questions = [];
    answer = null;
    implicit = true;
  };
  const answerFits = () => (answer ? answer.reduce((n, l) => n + l.length + 1, 0) : 0) < (implicit ? options.maxChars : options.maxAnswerChars);

  for (const line of text.split('\n').map(classify)) {
    switch (line.type) {
      case 'blank':
        if (answer) answer.push('');
        else if (!questions.length) prose.push('');
        break;
      case 'topic':
      case 'heading': {
        flushQa();
        flushProse();
        if (line.type === 'topic' || line.level === 1) {
          topic = line.text;
          heading = null;
        } else {
          heading = line.text;
        }
        break;
      }
      case 'question':
        if (answer) flushQa();
        if (!questions.length) flushProse();
        questions.push(line.text);
        implicit = false;
        break;
      case 'answer':
        if (!questions.length) {
          // "Respuesta:" after a plain question line: that line was the question.
          const last = popLastQuestionLike(prose);
          if (!last) {
            prose.push(line.text);
            break;
          }
          flushProse();
          questions.push(last);
        } else if (answer) {
          answer.push(line.text);
          break;
        }
        answer = [line.text];
        implicit = false;
        break;
      case 'text':
        if (answer && line.looksLikeQuestion) {
          flushQa();
          questions.push(line.text);
        } else if (answer && answerFits()) {
          answer.push(line.raw);
        } else if (answer) {
          flushQa();
          prose.push(line.raw);
        } else if (questions.length) {
          if (line.looksLikeQuestion) questions.push(line.text);
          else answer = [line.raw];
        } else if (line.looksLikeQuestion) {
          flushProse();
          questions.push(line.text);
        } else {
          prose.push(line.raw);
        }
        break;
    }
  }
  flushQa();
  flushProse();
  return chunks;
}

/** Q&A items that arrived structured (CSV) as chunks. */
export function chunkQaItems(items: QaItem[]): Chunk[] {
  return items.map((item) => ({
    kind: 'qa',
    topic: item.topic,
    heading: null,
    questions: dedupe(item.questions),
    answer: item.answer,
    content: `${dedupe(item.questions).join('\n')}\n${item.answer}`,
  }));
}

function classify(raw: string): Line {
  const trimmed = raw.trim();
  if (!trimmed) return { type: 'blank' };
  const heading = /^(#{1,6})\s+(.+)$/.exec(trimmed);
  const stripped = stripMarkup(heading ? heading[2]! : trimmed);
  const topic = TOPIC_RE.exec(stripped);
  if (topic) return { type: 'topic', text: stripMarkup(topic[1]!) };
  const question = QUESTION_RE.exec(stripped);
  if (question && question[1]!.trim()) return { type: 'question', text: stripMarkup(question[1]!) };
  const answer = ANSWER_RE.exec(stripped);
  if (answer && !heading) return { type: 'answer', text: stripMarkup(answer[1]!) };
  const looksLikeQuestion = isQuestionLine(stripped, trimmed, Boolean(heading));
  if (heading && looksLikeQuestion) return { type: 'question', text: stripped };
  if (heading) return { type: 'heading', level: heading[1]!.length, text: stripped };
  return { type: 'text', text: stripped, raw: raw.trimEnd(), looksLikeQuestion };
}

/** A FAQ-style question: short, ends in `?`, and set apart (bold, `¿…?`, numbered, or a heading). */
function isQuestionLine(stripped: string, original: string, isHeading: boolean): boolean {
  if (stripped.length > 200 || !/[?？]\s*$/.test(stripped)) return false;
  return isHeading || /^[¿]/.test(stripped) || /^(\*\*|__)/.test(original) || /^\d{1,3}[.)]\s/.test(original);
}

function stripMarkup(text: string): string {
  return text
    .replace(/\*\*|__/g, '')
    .replace(/^[\s>*_\-–•·]+/, '')
    .replace(/^\d{1,3}[.)]\s+(?=\S)/, '')
    .replace(/[\s*_]+$/, '')
    .trim();
}

function popLastQuestionLike(lines: string[]): string | undefined {
  while (lines.length && !lines.at(-1)!.trim()) lines.pop();
  const last = lines.at(-1);
  if (last && /[?？]\s*$/.test(last) && last.length <= 300) {
    lines.pop();
    return stripMarkup(last);
  }
  return undefined;
}

function dedupe(items: string[]): string[] {
  return [...new Set(items.map((s) => s.trim()).filter(Boolean))];
}
