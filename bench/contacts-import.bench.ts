import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '../src/config/config.ts';
import { type Container, createContainer } from '../src/container.ts';
import { generateContactsCsv } from '../src/modules/contacts/tests/generate-contacts.ts';
import { createLogger } from '../src/shared/logger.ts';
import { QUICK } from './support/load.ts';

/**
 * Contact import and search, on PostgreSQL and PGlite in the same run, against the real server
 * (`charla start` as `npm start` runs it: API + worker) in its own process:
 * - a generated CSV (100,000 rows, 3 custom fields, 5% bad rows, 2% repeats) imported end to end
 *   through the API (multipart upload → mapping → job → completed): seconds, rows/s, the server's RSS
 *   before and at its peak;
 * - the limit: the database's own COPY of the same file into an unindexed table, and into a copy of
 *   the contacts table with its indexes, measured in the same run (our time as a ratio of each);
 * - search p50/p95 through the API at a large count (1,000,000 contacts on PostgreSQL, 200,000 on PGlite).
 * Targets: 100k rows < 10 s, peak RSS < 300 MB, search p95 < 50 ms.
 * `BENCH_CONTACTS_BACKENDS=pg` (or `pglite`) measures one backend only; `BENCH_CONTACTS_ROWS=1000000`
 * imports a larger file (target 1M rows < 90 s on PostgreSQL); `BENCH_CONTACTS_SEARCH=0` skips the
 * search part (the bulk fill to 1M contacts takes minutes).
 */
export const name = 'contacts';

const ROWS = Number(process.env.BENCH_CONTACTS_ROWS) || (QUICK ? 10_000 : 100_000);
const SEARCH = process.env.BENCH_CONTACTS_SEARCH !== '0';
const SEARCH_SIZE = { pg: QUICK ? 50_000 : 1_000_000, pglite: QUICK ? 20_000 : 200_000 };
const QUERIES = QUICK ? 40 : 200;
const ROOT = path.resolve(import.meta.dirname, '..');

type Env = Record<string, string | undefined>;

/** Runs the suite and returns its figures. */
export async function run(): Promise<Record<string, number | string>> {
  const figures: Record<string, number | string> = { rows: ROWS };
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `charla_contacts_bench_${process.pid}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-contacts-bench-'));
  const { csv, expected } = generateContactsCsv(ROWS, { customFields: true, badEvery: 20, repeatEvery: 50 });
  const file = path.join(work, 'contacts.csv');
  fs.writeFileSync(file, csv);
  figures.file_mb = Math.round(fs.statSync(file).size / 1024 / 102.4) / 10;
  try {
    const reachable = await admin(adminUrl, `drop database if exists ${dbName} with (force)`, `create database ${dbName}`);
    if (!reachable) figures.note = 'PostgreSQL not reachable: PostgreSQL figures missing';
    const only = process.env.BENCH_CONTACTS_BACKENDS?.split(',').map((b) => b.trim());
    const backends = (reachable ? (['pg', 'pglite'] as const) : (['pglite'] as const)).filter((b) => !only || only.includes(b));
    for (const backend of backends) {
      const env: Env = {
        CHARLA_DATA_DIR: path.join(work, backend),
        DATABASE_URL: backend === 'pg' ? withDatabase(adminUrl, dbName) : undefined,
        LOG_LEVEL: 'warn',
        CHARLA_API_RATE_LIMIT: '1000000',
      };
      const { apiKey, organizationId } = await setup(env);
      const headers = { authorization: `Bearer ${apiKey}` };
      let server = await startServer(env);
      try {
        await prepare(server.base, headers);
        const imported = await importThroughApi(server.base, headers, file, server.pid);
        const c = imported.counts;
        if (c.created !== expected.created || c.failed !== expected.failed || c.updated !== expected.updated) {
          throw new Error(`unexpected counts ${JSON.stringify(c)} (expected ${JSON.stringify(expected)})`);
        }
        figures[`import_s_${backend}`] = round(imported.ms / 1000, 2);
        figures[`import_rows_per_s_${backend}`] = Math.round(ROWS / (imported.ms / 1000));
        figures[`import_server_cpu_s_${backend}`] = round(imported.cpuS, 2);
        figures[`server_rss_before_mb_${backend}`] = imported.rssBeforeMb;
        figures[`server_peak_rss_mb_${backend}`] = imported.peakRssMb;
        console.log(`  ${backend}: ${ROWS} rows in ${round(imported.ms / 1000, 2)} s (server CPU ${round(imported.cpuS, 1)} s); server RSS ${imported.rssBeforeMb} → peak ${imported.peakRssMb} MB`);

        // PGlite belongs to one process: the server stops while the baseline and the bulk fill run here.
        if (backend === 'pglite') await server.stop();
        const container = await createContainer(loadConfig(cleanEnv(env)), { logger: createLogger('silent') });
        try {
          const copy = await copyBaseline(container, file);
          figures[`copy_raw_s_${backend}`] = round(copy.rawMs / 1000, 2);
          figures[`copy_into_contacts_copy_s_${backend}`] = round(copy.indexedMs / 1000, 2);
          figures[`import_over_copy_raw_${backend}`] = round(imported.ms / copy.rawMs, 1);
          figures[`import_over_copy_indexed_${backend}`] = round(imported.ms / copy.indexedMs, 1);
          console.log(`  ${backend}: COPY raw ${round(copy.rawMs / 1000, 2)} s, into a contacts copy ${round(copy.indexedMs / 1000, 2)} s`);
          if (SEARCH) {
            const t = performance.now();
            await fill(container, organizationId, SEARCH_SIZE[backend]);
            console.log(`  ${backend}: ${SEARCH_SIZE[backend]} contacts loaded in ${Math.round((performance.now() - t) / 1000)} s`);
          }
        } finally {
          await container.close();
        }
        if (!SEARCH) continue;
        if (backend === 'pglite') server = await startServer(env);
        const search = await searchLatency(server.base, headers);
        const size = SEARCH_SIZE[backend];
        const label = size >= 1_000_000 ? `${size / 1_000_000}m` : `${size / 1000}k`;
        figures[`search_${label}_p50_ms_${backend}`] = search.p50;
        figures[`search_${label}_p95_ms_${backend}`] = search.p95;
      } finally {
        await server.stop();
      }
    }
  } finally {
    await admin(adminUrl, `drop database if exists ${dbName} with (force)`);
    fs.rmSync(work, { recursive: true, force: true });
  }
  return figures;
}

/** `charla setup --json` in the backend's environment. */
async function setup(env: Env): Promise<{ apiKey: string; organizationId: string }> {
  const args = ['setup', '--org', 'Bench', '--email', `bench-${process.pid}@example.test`, '--password', 'correct horse battery', '--json'];
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`setup exited ${code}`))));
  });
  const parsed: { apiKey: string; organizationId: string } = JSON.parse(out.trim().split('\n').at(-1)!);
  return parsed;
}

/** Starts `charla start` (API + worker) on a free port of 4200–4299 and waits for /readyz. */
async function startServer(env: Env): Promise<{ base: string; pid: number; stop(): Promise<void> }> {
  const port = 4200 + Math.floor(Math.random() * 100);
  // `BENCH_CONTACTS_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` profiles the server (not allowed in NODE_OPTIONS).
  const nodeArgs = process.env.BENCH_CONTACTS_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // As `npm start` runs it (package.json): the bundled server (built when stale) with a small young
  // generation. `BENCH_CONTACTS_SERVER=tsx` runs the TypeScript sources through tsx instead.
  const command = process.env.BENCH_CONTACTS_SERVER === 'tsx' ? ['--import', 'tsx', 'src/main.ts'] : ['--max-semi-space-size=4', 'bin/charla.js'];
  const child = spawn(process.execPath, [...nodeArgs, ...command, 'start', '--port', String(port)], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    if (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) break;
    if (i > 600) throw new Error('server did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The organization's country and the three custom fields of the file, through the API. */
async function prepare(base: string, headers: Record<string, string>): Promise<void> {
  const send = async (method: string, url: string, body: unknown) => {
    const res = await fetch(`${base}${url}`, { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  };
  await send('PATCH', '/api/v1/organization', { country: 'CO' });
  await send('POST', '/api/v1/contact-fields', { label: 'Tipo de cliente', component: 'select', options: ['Cotización', 'Compra', 'Recompra'] });
  await send('POST', '/api/v1/contact-fields', { label: 'Compras', component: 'input', inputType: 'number' });
  await send('POST', '/api/v1/contact-fields', { label: 'Documento', component: 'input', inputType: 'text' });
}

/** Upload (multipart) → start with the suggested mapping → poll until the job is done; samples the server's RSS. */
async function importThroughApi(base: string, headers: Record<string, string>, file: string, pid: number) {
  const rssBeforeMb = rssMb(pid);
  let peak = rssBeforeMb;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 20);
  const started = performance.now();
  const cpuBefore = cpuSeconds(pid);
  try {
    const form = new FormData();
    form.append('file', await fs.openAsBlob(file), 'contacts.csv');
    const up = await fetch(`${base}/api/v1/contacts/imports`, { method: 'POST', headers, body: form });
    if (up.status !== 202) throw new Error(`upload: ${up.status} ${await up.text()}`);
    const analysis: { id: string; suggestedMapping: string[] } = await up.json();
    const start = await fetch(`${base}/api/v1/contacts/imports/${analysis.id}/start`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ mapping: analysis.suggestedMapping, dedupe: 'update' }),
    });
    if (start.status !== 202) throw new Error(`start: ${start.status} ${await start.text()}`);
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      const imp: { status: string; counts: { created: number; updated: number; failed: number } } = await (
        await fetch(`${base}/api/v1/contacts/imports/${analysis.id}`, { headers })
      ).json();
      if (imp.status === 'completed') {
        return { ms: performance.now() - started, cpuS: cpuSeconds(pid) - cpuBefore, rssBeforeMb, peakRssMb: peak, counts: imp.counts };
      }
      if (imp.status === 'failed' || imp.status === 'cancelled') throw new Error(`import ${imp.status}`);
    }
  } finally {
    clearInterval(sampler);
  }
}

/** The database's own COPY of the same file: into an unindexed table, then on into a copy of `contacts`. */
async function copyBaseline(container: Container, file: string): Promise<{ rawMs: number; indexedMs: number }> {
  const db = container.database;
  await db.exec(`
    drop table if exists bench_copy_raw; drop table if exists bench_copy_contacts;
    create table bench_copy_raw (first_name text, last_name text, phone text, email text, city text, tipo text, compras text, documento text);
    create table bench_copy_contacts (like contacts including defaults including indexes including generated);`);
  let t = performance.now();
  if (db.kind === 'postgres') {
    const client = await db.pool!.connect();
    try {
      await pipeline(fs.createReadStream(file), client.query(copyFrom('copy bench_copy_raw from stdin with (format csv, header true)')));
    } finally {
      client.release();
    }
  } else {
    await db.pglite!.query("copy bench_copy_raw from '/dev/blob' with (format csv, header true)", [], { blob: await fs.openAsBlob(file) });
  }
  const rawMs = performance.now() - t;
  t = performance.now();
  await db.rows(
    sql`insert into bench_copy_contacts (id, organization_id, first_name, last_name, phone, email, city, custom_fields, source)
        select gen_random_uuid(), (select id from organizations limit 1), first_name, last_name, phone, email, city,
               jsonb_build_object('tipo_de_cliente', tipo, 'compras', compras, 'documento', documento), 'import'
        from bench_copy_raw on conflict do nothing`,
  );
  const indexedMs = performance.now() - t + rawMs;
  await db.exec('drop table bench_copy_raw; drop table bench_copy_contacts;');
  return { rawMs, indexedMs };
}

const FIRST = ['María', 'José', 'Ana', 'Luis', 'Carmen', 'João', 'Lucía', 'Andrés', 'Camila', 'Pedro', 'Sofía', 'Diego', 'Valentina', 'Mateo', 'Isabella', 'Gabriel'];
const LAST = ['Gómez', 'Pérez', 'Rodríguez', 'Fernández', 'Silva', 'Santos', 'Oliveira', 'Ramírez', 'Torres', 'Conceição', 'Muñoz', 'Rojas', 'Castro', 'Ortiz', 'Vargas', 'Núñez'];

/**
 * Adds synthetic contacts (unique phones and e-mails, common names) until the organization has `size`.
 * Ids are time-ordered UUIDv7 like the application's (`newId`), so the table's physical order follows
 * the id order as it does in production (random v4 ids would scatter every "newest first" page).
 */
async function fill(container: Container, organizationId: string, size: number): Promise<void> {
  const db = container.database;
  const [row] = await db.rows<{ n: number }>(sql`select count(*)::int as n from contacts where organization_id = ${organizationId}::uuid`);
  const first = `array[${FIRST.map((f) => `'${f}'`).join(',')}]`;
  const last = `array[${LAST.map((f) => `'${f}'`).join(',')}]`;
  for (let from = row?.n ?? 0; from < size; from += 100_000) {
    const to = Math.min(size, from + 100_000);
    await db.exec(`
      insert into contacts (id, organization_id, first_name, last_name, phone, email, city, source)
      select ${UUID_V7}, '${organizationId}', (${first})[1 + g % ${FIRST.length}],
             (${last})[1 + (g / ${FIRST.length}) % ${LAST.length}] || ' ' || (${last})[1 + g % 7],
             '+5732' || lpad(g::text, 8, '0'), 'p' || g || '@mail' || (g % 50) || '.example.com', 'Bogotá', 'api'
      from generate_series(${from + 1}, ${to}) g;`);
  }
  // As autovacuum would after a bulk load: merges the trigram index's pending list and refreshes statistics.
  await db.exec('vacuum analyze contacts');
}

/** A UUIDv7 for row `g` of generate_series: now (ms) + g, then hashed bits (PostgreSQL 15 has no uuidv7()). */
const MS = `lpad(to_hex((extract(epoch from now()) * 1000)::bigint + g), 12, '0')`;
const UUID_V7 = `(substr(${MS}, 1, 8) || '-' || substr(${MS}, 9, 4) || '-7' || substr(md5(g::text), 1, 3) || '-8' || substr(md5(g::text), 4, 3) || '-' || substr(md5(g::text), 7, 12))::uuid`;

/** Sequential API searches (full names, surnames, phone fragments and full numbers, e-mails): p50/p95 in ms. */
async function searchLatency(base: string, headers: Record<string, string>) {
  const queries: string[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const g = 1 + Math.floor(Math.random() * 10_000);
    const phone = `+5732${String(g).padStart(8, '0')}`;
    const first = FIRST[g % FIRST.length]!;
    const last = LAST[Math.floor(g / FIRST.length) % LAST.length]!;
    const kinds = [
      `${first} ${last}`,
      last.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase(),
      phone.slice(5, 12),
      `${phone.slice(3, 6)} ${phone.slice(6, 9)} ${phone.slice(9)}`,
      `p${g}@mail`,
      `p${g}@mail${g % 50}.example.com`,
    ];
    queries.push(kinds[i % kinds.length]!);
  }
  const times: number[] = [];
  for (const [i, q] of [...queries.slice(0, 20), ...queries].entries()) {
    const t = performance.now();
    const res = await fetch(`${base}/api/v1/contacts?limit=50&q=${encodeURIComponent(q)}`, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`search ${q}: ${res.status}`);
    if (i >= 20) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: round(times[Math.floor(times.length * 0.5)]!, 1), p95: round(times[Math.floor(times.length * 0.95)]!, 1) };
}

/** CPU time (user + system, all threads) a process used so far, in seconds (`/proc/PID/stat`). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory of a process in MB (`VmRSS` from /proc). */
function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function admin(url: string, ...statements: string[]): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    for (const s of statements) await client.query(s);
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const cleanEnv = (env: Env) => Object.fromEntries(Object.entries({ ...process.env, ...env }).filter((e): e is [string, string] => e[1] !== undefined));
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
