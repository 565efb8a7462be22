/**
 * `npm run eval:knowledge` — measures retrieval quality on the sample knowledge base.
 *
 * Loads every document of the samples folder through the real pipeline (upload → job → chunks), asks each
 * question of the JSONL set (`{ q, doc, contains }` or `{ q, refuse: true }`, optional `category`), and
 * prints per category: hit@1 and hit@3 (a result from the expected document containing the expected text),
 * the share answered correctly above the threshold, and for out-of-scope questions the correct-refusal
 * rate — lexical only and hybrid (vectors from a deterministic local embedding served by a fake
 * OpenAI-compatible server, so the run needs no model and no network). Categories come from the file, or
 * are derived: out_of_scope, direct (the question is one of the document's phrasings) or paraphrased
 * (everything else, other-language questions included unless the file labels them); plus generated typo
 * variants of the direct questions. Exits 1 if a lexical target is missed.
 *
 * Options: --samples DIR, --questions FILE, --threshold X, --verbose.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chunkText } from '../src/modules/knowledge/chunking/chunker.ts';
import { normalizeQuestion } from '../src/modules/knowledge/chunking/normalize.ts';
import { DEFAULT_ANSWER_THRESHOLD, searchKnowledge } from '../src/modules/knowledge/index.ts';
import { openKnowledgeWorkspace } from '../test/support/knowledge-workspace.ts';

interface Question {
  q: string;
  doc?: string;
  contains?: string;
  refuse?: boolean;
  category?: string;
}

const ROOT = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const samplesDir = option('samples') ?? firstExisting([path.resolve(ROOT, '../shared/samples/knowledge'), path.join(ROOT, 'src/modules/knowledge/demo')]);
const questionsFile = option('questions') ?? path.resolve(ROOT, '../shared/samples/eval/knowledge-dev.jsonl');
const threshold = Number(option('threshold') ?? DEFAULT_ANSWER_THRESHOLD);
const verbose = args.includes('--verbose');
const TARGETS = { hit1DirectParaphrased: 0.85, refusals: 0.9 };

const files = fs.readdirSync(samplesDir).filter((f) => fs.statSync(path.join(samplesDir, f)).isFile());
const questions = fs
  .readFileSync(questionsFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Question);
const phrasings = new Map<string, Set<string>>();
for (const f of files) {
  const text = fs.readFileSync(path.join(samplesDir, f), 'utf8');
  phrasings.set(f, new Set(chunkText(text).flatMap((c) => c.questions.map(normalizeQuestion))));
}
const cases = [...questions.map((q) => ({ ...q, category: q.category ?? categoryOf(q) })), ...typoVariants(questions)];

const ws = await openKnowledgeWorkspace();
try {
  for (const f of files) await ws.addFile(f, fs.readFileSync(path.join(samplesDir, f)));
  await ws.drain();
  console.log(`Knowledge eval: ${files.length} documents from ${path.relative(process.cwd(), samplesDir)}, ${cases.length} questions (${questions.length} from ${path.basename(questionsFile)}), threshold ${threshold}\n`);
  const lexical = await run('lexical');
  await ws.enableLocalEmbeddings();
  const hybrid = await run('auto');
  const ok = report('lexical', lexical) & report('hybrid', hybrid);
  process.exitCode = ok ? 0 : 1;
} finally {
  await ws.close();
}

interface Outcome {
  category: string;
  refuse: boolean;
  rank: number;
  confidence: number;
}

async function run(mode: 'lexical' | 'auto'): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const c of cases) {
    const res = await searchKnowledge(ws.container, ws.organizationId, c.q, { limit: 5, mode });
    const rank = c.refuse ? -1 : res.results.findIndex((r) => r.documentTitle === stripExt(c.doc!) && (r.answer ?? r.content).includes(c.contains ?? ''));
    const confidence = res.results[0]?.confidence ?? 0;
    out.push({ category: c.category, refuse: Boolean(c.refuse), rank, confidence });
    if (verbose) {
      const top = res.results[0];
      console.log(`${mode.padEnd(7)} ${c.category.padEnd(15)} rank=${rank} conf=${confidence.toFixed(2)} ${c.q} → ${top ? `${top.documentTitle}: ${(top.matchedQuestion ?? top.content).slice(0, 50)}` : '—'}`);
    }
  }
  return out;
}

function report(label: string, outcomes: Outcome[]): 1 | 0 {
  const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : '—').padStart(7);
  console.log(`${label.toUpperCase()}\n  category         n   hit@1   hit@3  answered  refused`);
  const categories = [...new Set(outcomes.map((o) => o.category))];
  for (const cat of categories) {
    const os = outcomes.filter((o) => o.category === cat);
    const answered = os.filter((o) => o.rank === 0 && o.confidence >= threshold).length;
    const refused = os.filter((o) => o.confidence < threshold).length;
    if (os[0]!.refuse) console.log(`  ${cat.padEnd(14)} ${String(os.length).padStart(3)}       —       —         —  ${pct(refused, os.length)}  (correct refusals)`);
    else console.log(`  ${cat.padEnd(14)} ${String(os.length).padStart(3)} ${pct(os.filter((o) => o.rank === 0).length, os.length)} ${pct(os.filter((o) => o.rank >= 0 && o.rank < 3).length, os.length)}   ${pct(answered, os.length)}  ${pct(refused, os.length)}`);
  }
  const core = outcomes.filter((o) => o.category === 'direct' || o.category === 'paraphrased');
  const oos = outcomes.filter((o) => o.refuse);
  const hit1 = core.filter((o) => o.rank === 0).length / Math.max(1, core.length);
  const refusals = oos.filter((o) => o.confidence < threshold).length / Math.max(1, oos.length);
  const pass = hit1 >= TARGETS.hit1DirectParaphrased && refusals >= TARGETS.refusals;
  const sweep = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6].map((t) => {
    const refusedOk = oos.filter((o) => o.confidence < t).length / Math.max(1, oos.length);
    const answeredOk = core.filter((o) => o.rank === 0 && o.confidence >= t).length / Math.max(1, core.length);
    return `${t.toFixed(2)}: ${Math.round(answeredOk * 100)}%/${Math.round(refusedOk * 100)}%`;
  });
  console.log(`  threshold sweep (direct+paraphrased answered correctly / out-of-scope refused): ${sweep.join('  ')}`);
  console.log(`  direct+paraphrased hit@1 ${pct(hit1 * 100, 100).trim()} (target ${TARGETS.hit1DirectParaphrased * 100}%), correct refusals ${pct(refusals * 100, 100).trim()} (target ${TARGETS.refusals * 100}%)${label === 'lexical' ? (pass ? '  PASS' : '  FAIL') : ''}\n`);
  return label === 'lexical' && !pass ? 0 : 1;
}

function categoryOf(q: Question): string {
  if (q.refuse) return 'out_of_scope';
  if (phrasings.get(q.doc ?? '')?.has(normalizeQuestion(q.q))) return 'direct';
  return 'paraphrased';
}

/** A deterministic typo per direct question: two letters of its longest word swapped (no per-question tuning). */
function typoVariants(qs: Question[]): (Question & { category: string })[] {
  return qs
    .filter((q) => !q.refuse && categoryOf(q) === 'direct')
    .map((q) => {
      const words = q.q.split(' ');
      const i = words.reduce((best, w, j) => (w.length > words[best]!.length ? j : best), 0);
      const w = words[i]!;
      const k = Math.floor(w.length / 2);
      words[i] = w.length > 3 ? `${w.slice(0, k - 1)}${w[k]}${w[k - 1]}${w.slice(k + 1)}` : w;
      return { ...q, q: words.join(' '), category: 'typo' };
    });
}

function stripExt(file: string): string {
  return file.replace(/\.[A-Za-z0-9]{1,8}$/, '');
}

function firstExisting(dirs: string[]): string {
  return dirs.find((d) => fs.existsSync(d)) ?? dirs[dirs.length - 1]!;
}
