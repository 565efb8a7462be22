import vm from 'node:vm';

/**
 * Lexical helpers both brains and the keyword rules share: accent- and case-folding, a small es/pt/en
 * stemmer, yes/no and "I want a person" detection, keyword matching and a guarded regex.
 */

/** Lower case without accents, whitespace collapsed. */
export const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

const STOPWORDS = new Set(
  (
    'a o e de da do das dos del la el los las lo le les un una uno unos unas en em no na nos nas por para con com sin sem que se me mi mis meu minha meus minhas tu tus te tua teu su sus seu sua ' +
    'es esta estan este esto eso esa ser estar ya y ou o al ao aos como mas muy muito hay tem ter tengo tenho quiero quero querer gostaria queria puedo posso pode puedes ' +
    'the an of to in on at for with is are was be been my your our i you we it this that and or not do does did can could would please want wanna need me about from by hi hello hola ola oi gracias obrigado thanks'
  ).split(' '),
);

const SUFFIXES = ['amientos', 'imientos', 'amiento', 'imiento', 'aciones', 'iciones', 'mente', 'acion', 'icion', 'acoes', 'ações', 'cao', 'ing', 'ado', 'ada', 'ido', 'ida', 'ados', 'adas', 'idos', 'idas', 'ar', 'er', 'ir', 'es', 'os', 'as', 'ed', 's', 'o', 'a', 'e'];

/** A crude stem: folds, then strips the longest common es/pt/en suffix while keeping 4 letters. */
export function stem(word: string): string {
  const w = fold(word);
  if (/^\d/.test(w)) return w;
  for (const suffix of SUFFIXES) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 4) return w.slice(0, -suffix.length);
  }
  return w;
}

/** Word tokens of a text (folded, numbers kept). */
export const words = (text: string): string[] => fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];

/** The distinct stems of the content words of a text. */
export function stems(text: string): Set<string> {
  return new Set(
    words(text)
      .filter((w) => !STOPWORDS.has(w) && w.length > 1 && !/^\d+$/.test(w))
      .map(stem),
  );
}

const YES = ['si', 'sim', 'yes', 'yep', 'yeah', 'y', 's', 'ok', 'okay', 'okey', 'vale', 'claro', 'confirmo', 'confirmado', 'confirmar', 'confirm', 'confirmed', 'dale', 'de acuerdo', 'adelante', 'correcto', 'perfecto', 'pode', 'pode ser', 'pode sim', 'isso', 'certo', 'beleza', 'sure', 'go ahead', 'do it', 'of course', 'por supuesto', 'hazlo', 'si por favor', 'sim por favor', 'yes please', 'afirmativo', 'exacto', 'exato', 'combinado', 'esta bien', 'ta bom', 'tudo bem', 'bora', '👍'];
const NO = ['no', 'nao', 'não', 'nope', 'n', 'cancel', 'cancela', 'cancelar', 'cancele', 'cancelo', 'mejor no', 'melhor nao', 'no gracias', 'nao obrigado', 'no thanks', 'dont', 'do not', 'stop', 'para', 'negativo', 'nunca', 'olvidalo', 'esquece', 'forget it', 'deja', 'deixa', '👎'];

/** Whether a short answer is an affirmative ("sí", "claro", "sim, pode", "yes please", "ok"). */
export function isAffirmative(text: string): boolean {
  return answerKind(text) === 'yes';
}

/** Whether a short answer is a negative ("no", "não", "cancel", "mejor no"). */
export function isNegative(text: string): boolean {
  return answerKind(text) === 'no';
}

function answerKind(text: string): 'yes' | 'no' | null {
  const f = fold(text).replace(/[¡!¿?.,;:()"'«»]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (!f || f.split(' ').length > 6) return null;
  const starts = (list: string[]) => list.some((p) => f === p || f.startsWith(`${p} `));
  // "no, gracias" must not read as yes because "gracias" follows; negatives are checked first.
  if (starts(NO)) return 'no';
  if (starts(YES)) return 'yes';
  return null;
}

const HUMAN = [
  /\b(hablar|habla|hable|comunicar|pasar|pasame|pasa|contactar)\b.*\b(persona|humano|agente|asesor|operador|alguien|representante)\b/,
  /\b(quiero|necesito|prefiero)\b.*\b(persona|humano|agente|asesor|operador)\b/,
  /\b(falar|fala|passar|passa|chamar)\b.*\b(pessoa|humano|atendente|agente|alguem|operador)\b/,
  /\b(quero|preciso|prefiro)\b.*\b(pessoa|humano|atendente|agente)\b/,
  /\b(talk|speak|chat|connect|transfer)\b.*\b(human|person|agent|someone|representative|operator|real)\b/,
  /\b(human|real person|live agent)\b/,
  /\b(atendente|atendimento humano)\b/,
];

/** Whether the customer asks for a person or sounds fed up with the bot ("quiero hablar con una persona", "talk to a human"). */
export function wantsHuman(text: string): boolean {
  const f = fold(text);
  return HUMAN.some((re) => re.test(f));
}

/** How a keyword list matches a message. */
export type KeywordMode = 'exact' | 'contains' | 'starts_with' | 'regex';

/** Whether any keyword matches the message (case- and accent-insensitive; regex guarded). */
export function matchesKeyword(text: string, keywords: readonly string[], mode: KeywordMode): boolean {
  const f = fold(text).replace(/[¡!¿?.]+$/g, '').trim();
  for (const k of keywords) {
    const key = fold(k);
    if (!key) continue;
    if (mode === 'exact' && f === key) return true;
    if (mode === 'starts_with' && (f === key || f.startsWith(key))) return true;
    if (mode === 'contains' && new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegex(key)}($|[^\\p{L}\\p{N}])`, 'u').test(f)) return true;
    if (mode === 'regex' && safeRegexTest(k, f)) return true;
  }
  return false;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Longest pattern and input a keyword regex may have. */
export const MAX_REGEX_LENGTH = 200;
const MAX_REGEX_INPUT = 1000;
const REGEX_TIMEOUT_MS = 20;
// Nested quantifiers such as (a+)+ or (\w*)* are the classic catastrophic-backtracking shape.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*](?:[^()\\]|\\.)*\)\s*[+*{]/;

/** Whether a person-written pattern is acceptable for a keyword rule (compiles, short, no nested quantifiers). */
export function checkRegex(pattern: string): string | null {
  if (pattern.length > MAX_REGEX_LENGTH) return `At most ${MAX_REGEX_LENGTH} characters`;
  if (NESTED_QUANTIFIER.test(pattern)) return 'Nested quantifiers such as (a+)+ are not allowed';
  try {
    new RegExp(pattern, 'iu');
  } catch {
    return 'Not a valid regular expression';
  }
  return null;
}

const regexContext = vm.createContext({ re: /x/, input: '' });

/**
 * Tests a person-written regex against folded text with a wall-clock limit: the match runs in a VM
 * context with a timeout, so a pathological pattern that slipped past `checkRegex` cannot stall a worker.
 */
export function safeRegexTest(pattern: string, foldedText: string): boolean {
  if (checkRegex(pattern)) return false;
  regexContext.re = new RegExp(fold(pattern), 'iu');
  regexContext.input = foldedText.slice(0, MAX_REGEX_INPUT);
  try {
    return vm.runInContext('re.test(input)', regexContext, { timeout: REGEX_TIMEOUT_MS }) === true;
  } catch {
    return false;
  }
}

/** A guess of the customer's language from a short message (word hints), or null. */
export function guessLanguage(text: string): 'es' | 'pt-BR' | 'en' | null {
  const w = words(text);
  const score = { es: 0, 'pt-BR': 0, en: 0 };
  const ES = ['el', 'los', 'las', 'mi', 'quiero', 'esta', 'donde', 'pedido', 'cuando', 'hola', 'gracias', 'necesito', 'reembolso', 'por', 'favor', 'que', 'del', 'llega', 'si', 'tengo', 'es', 'una', 'soy', 'llamo', 'correo', 'abrir', 'roto'];
  const PT = ['meu', 'minha', 'quero', 'onde', 'esta', 'voce', 'obrigado', 'obrigada', 'ola', 'oi', 'preciso', 'nao', 'sim', 'pedido', 'do', 'da', 'chega', 'reembolso', 'um', 'uma', 'chamo', 'falar', 'atendente', 'chamado', 'quebrado', 'devolucao', 'status'];
  const EN = ['my', 'the', 'where', 'is', 'order', 'want', 'refund', 'hello', 'hi', 'thanks', 'please', 'when', 'need', 'what', 'yes', 'of', 'i', 'a', 'ticket', 'name', 'email', 'talk', 'human', 'broken', 'arrive', 'status'];
  for (const x of w) {
    if (ES.includes(x)) score.es++;
    if (PT.includes(x)) score['pt-BR']++;
    if (EN.includes(x)) score.en++;
  }
  if (/[ãõç]|ção|ções/.test(text.toLowerCase())) score['pt-BR'] += 2;
  if (/[ñ¿¡]/.test(text)) score.es += 2;
  const best = (Object.entries(score) as ['es' | 'pt-BR' | 'en', number][]).sort((a, b) => b[1] - a[1]);
  if (best[0]![1] === 0 || best[0]![1] === best[1]![1]) return null;
  return best[0]![0];
}
