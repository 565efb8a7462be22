import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `npm run bench [-- NAME…]`: runs every `bench/*.bench.ts` suite (or those named), one after another,
 * writes `bench/results/latest.json` and prints a table. A suite exports `name` and
 * `run(): Promise<Record<string, number | string>>`, prints its own progress, and measures its figures
 * against a baseline taken in the same run (this machine is shared, so absolute numbers drift).
 * `BENCH_QUICK=1` shortens every measurement (to check the harness, not to quote figures).
 */
interface Suite {
  name: string;
  run(): Promise<Record<string, number | string>>;
}

const BENCH_DIR = import.meta.dirname;
const RESULTS_DIR = path.join(BENCH_DIR, 'results');

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const files = fs
    .readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    // The foundation first: later suites' readers compare against it.
    .sort((a, b) => (a === 'foundation.bench.ts' ? -1 : b === 'foundation.bench.ts' ? 1 : a.localeCompare(b)));
  const results: Record<string, { file: string; ms: number; figures?: Record<string, number | string>; error?: string }> = {};
  let failed = 0;
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(BENCH_DIR, file)).href)) as Partial<Suite>;
    if (typeof mod.run !== 'function' || typeof mod.name !== 'string') {
      console.error(`${file}: not a suite (it must export \`name\` and \`run()\`); skipped`);
      continue;
    }
    if (wanted.length && !wanted.includes(mod.name) && !wanted.includes(file.replace(/\.bench\.ts$/, ''))) continue;
    console.log(`\n▶ ${mod.name} (${file})`);
    const started = performance.now();
    try {
      const figures = await mod.run();
      results[mod.name] = { file, ms: Math.round(performance.now() - started), figures };
    } catch (err) {
      failed++;
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      console.error(`✗ ${mod.name} failed: ${message}`);
      results[mod.name] = { file, ms: Math.round(performance.now() - started), error: message.split('\n')[0] };
    }
  }

  const report = {
    date: new Date().toISOString(),
    quick: process.env.BENCH_QUICK === '1',
    machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100) },
    suites: results,
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);

  const rows: [string, string, string][] = [];
  for (const [suite, r] of Object.entries(results)) {
    if (r.error) rows.push([suite, 'ERROR', r.error]);
    for (const [metric, value] of Object.entries(r.figures ?? {})) rows.push([suite, metric, String(value)]);
  }
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length), ['suite', 'metric', 'value'][i]!.length));
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c : c.padEnd(widths[i]!))).join('  ');
  console.log(`\n${line(['suite', 'metric', 'value'])}\n${widths.map((w) => '-'.repeat(Math.min(w, 60))).join('  ')}`);
  for (const row of rows) console.log(line(row));
  console.log(`\nWritten to ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'latest.json'))} (load average ${report.machine.loadavg.join(' ')}).`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
