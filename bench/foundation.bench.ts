import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { type LoadResult, load, median, QUICK, round } from './support/load.ts';
import { createThrowawayDatabase, dropDatabase, redact, withDatabase } from './support/servers.ts';

/**
 * The foundation's figures, all measured in one run: authenticated `GET /api/v1/me` (API key) on PGlite
 * and on PostgreSQL, each against a bare Fastify route returning the same JSON (the framework's own
 * limit on this machine, right now) — every server in a process of its own, as in production, with the
 * load generator in another; cold start of the server with migrations already applied; and its idle
 * memory.
 */
export const name = 'foundation';

const ROOT = path.resolve(import.meta.dirname, '..');
const TARGETS = { pgRatio: 0.5, coldStartMs: 3000, idleRssMb: 200 };

/** Runs the suite and returns its figures. */
export async function run(): Promise<Record<string, number | string>> {
  const seconds = QUICK ? 3 : 10;
  const warmup = QUICK ? 1 : 2;
  const figures: Record<string, number | string> = {};
  const problems: string[] = [];

  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const pgDatabase = `charla_bench_${process.pid}`;
  const cleanups: (() => Promise<void>)[] = [];
  try {
    // --- the three servers, each in a process of its own (see support/me-server.ts) -----------------
    const pglite = await startServer({ kind: 'pglite' });
    cleanups.push(pglite.close);
    let postgres: RunningServer | undefined;
    if (await createThrowawayDatabase(adminUrl, pgDatabase)) {
      cleanups.push(() => dropDatabase(adminUrl, pgDatabase));
      postgres = await startServer({ kind: 'postgres', url: withDatabase(adminUrl, pgDatabase) });
      cleanups.push(postgres.close);
    } else {
      problems.push(`PostgreSQL at ${redact(adminUrl)} is not reachable: its figures are missing`);
    }
    const me = await (await fetch(`${pglite.url}/api/v1/me`, { headers: pglite.headers })).json();
    const bare = await startServer({ kind: 'bare', me });
    cleanups.push(bare.close);

    // --- throughput, interleaved so drift in the machine's load hits every target alike -------------
    // Besides throughput (which the machine's other load sways), the CPU each request costs: the
    // server process's (the load generator runs in another) plus, on PostgreSQL, the local server's.
    const measure = async (label: string, server: RunningServer) => {
      const url = `${server.url}/api/v1/me`;
      await load({ url, headers: server.headers, durationSeconds: warmup });
      const cpu0 = processCpuMs(server.pid);
      const pg0 = postgresCpuMs();
      const r = await load({ url, headers: server.headers, durationSeconds: seconds });
      const nodeUs = ((processCpuMs(server.pid) - cpu0) * 1000) / Math.max(r.total, 1);
      const dbUs = ((postgresCpuMs() - pg0) * 1000) / Math.max(r.total, 1);
      if (r.non2xx || r.errors) problems.push(`${label}: ${r.non2xx} non-2xx responses and ${r.errors} errors of ${r.total}`);
      console.log(
        `  ${label.padEnd(10)} ${String(Math.round(r.rps)).padStart(7)} req/s   p99 ${String(r.p99).padStart(4)} ms   ` +
          `CPU per request: ${Math.round(nodeUs)} µs in its process${label === 'postgres' ? ` + ${Math.round(dbUs)} µs in PostgreSQL` : ''}`,
      );
      return { ...r, cpuUs: nodeUs + (label === 'postgres' ? dbUs : 0) };
    };
    console.log(`  GET /api/v1/me, 50 connections, ${seconds} s each (after ${warmup} s warm-up):`);
    const bareA = await measure('bare', bare);
    const onPglite = await measure('pglite', pglite);
    const onPg = postgres ? await measure('postgres', postgres) : undefined;
    const bareB = await measure('bare', bare);
    const bareRps = (bareA.rps + bareB.rps) / 2;
    const bareP99 = (bareA.p99 + bareB.p99) / 2;
    const bareCpuUs = (bareA.cpuUs + bareB.cpuUs) / 2;
    Object.assign(figures, {
      bare_rps: Math.round(bareRps),
      bare_p99_ms: round(bareP99, 1),
      bare_cpu_us_per_req: Math.round(bareCpuUs),
      ...throughputFigures('pglite', onPglite, bareRps, bareP99, bareCpuUs),
      ...(onPg ? throughputFigures('postgres', onPg, bareRps, bareP99, bareCpuUs) : {}),
    });
    if (onPg) figures.postgres_vs_bare_target = `>= ${TARGETS.pgRatio}`;

    // Stop the servers before timing a cold start, so they do not compete with it.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();

    // --- cold start and idle memory of the real command ---------------------------------------------
    try {
      const cold = await measureColdStart(QUICK ? 1 : 3);
      Object.assign(figures, {
        cold_start_ms: cold.binMs,
        cold_start_cpu_ms: cold.binCpuMs,
        cold_start_target_ms: `< ${TARGETS.coldStartMs}`,
        npm_start_cold_ms: cold.npmMs ?? 'n/a',
        idle_rss_mb: cold.idleRssMb,
        idle_rss_target_mb: `< ${TARGETS.idleRssMb}`,
      });
    } catch (err) {
      problems.push(`cold start not measured: ${(err instanceof Error ? err.message : String(err)).split('\n').slice(0, 6).join(' ')}`);
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }

  const verdict = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'met' : 'MISSED');
  figures.verdict_postgres_ratio = verdict(
    typeof figures.postgres_vs_bare === 'number' ? figures.postgres_vs_bare >= TARGETS.pgRatio : undefined,
  );
  figures.verdict_cold_start = verdict(typeof figures.cold_start_ms === 'number' ? figures.cold_start_ms < TARGETS.coldStartMs : undefined);
  figures.verdict_idle_rss = verdict(typeof figures.idle_rss_mb === 'number' ? figures.idle_rss_mb < TARGETS.idleRssMb : undefined);
  if (problems.length) figures.problems = problems.join('; ');
  for (const p of problems) console.log(`  ! ${p}`);
  console.log(
    `  PostgreSQL ${figures.postgres_vs_bare ?? 'n/a'} of bare (target >= ${TARGETS.pgRatio}: ${figures.verdict_postgres_ratio}); ` +
      `PGlite ${figures.pglite_vs_bare}; cold start ${figures.cold_start_ms} ms (< ${TARGETS.coldStartMs}: ${figures.verdict_cold_start}); ` +
      `idle RSS ${figures.idle_rss_mb} MB (< ${TARGETS.idleRssMb}: ${figures.verdict_idle_rss})`,
  );
  return figures;
}

function throughputFigures(label: string, r: LoadResult & { cpuUs: number }, bareRps: number, bareP99: number, bareCpuUs: number) {
  return {
    [`${label}_rps`]: Math.round(r.rps),
    [`${label}_p99_ms`]: round(r.p99, 1),
    [`${label}_vs_bare`]: round(r.rps / bareRps, 3),
    [`${label}_p99_vs_bare`]: round(r.p99 / Math.max(bareP99, 0.1), 2),
    [`${label}_cpu_us_per_req`]: Math.round(r.cpuUs),
    [`${label}_cpu_efficiency_vs_bare`]: round(bareCpuUs / r.cpuUs, 3),
  };
}

/** A server of this suite running in its own process. */
interface RunningServer {
  url: string;
  headers: Record<string, string>;
  pid: number;
  close: () => Promise<void>;
}

/** Starts support/me-server.ts in a child process and waits until it listens. */
async function startServer(target: { kind: 'bare'; me: unknown } | { kind: 'pglite' } | { kind: 'postgres'; url: string }): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--max-semi-space-size=4', '--import', 'tsx', path.join(ROOT, 'bench/support/me-server.ts'), JSON.stringify(target)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  const ready = await new Promise<{ url: string; headers: Record<string, string> }>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`the ${target.kind} server exited (${code}) before listening: ${stderr.trim()}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    ...ready,
    pid: child.pid!,
    close: async () => {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU time (user + system) a process has used so far, in milliseconds. */
function processCpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ is 100 on Linux
}

/** CPU time used so far by every local `postgres` process (0 when the server is elsewhere). */
function postgresCpuMs(): number {
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}


/**
 * Cold start of `charla start` on PGlite with migrations already applied (a first start creates the
 * database and migrates it; it is not timed): spawn → `/readyz` answers 200. Median of `runs`; the last
 * run then sits idle 5 s and its resident memory is read. `npm start` (npm + the dashboard-build check
 * + the server-build check) is timed once more for information. Both run dist/server/main.js (built, when
 * stale, by the untimed first start; see scripts/build-server.mjs).
 */
async function measureColdStart(runs: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-bench-cold-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CHARLA_DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  // The same command as `npm start` (package.json), without npm's own start-up.
  const bin = [process.execPath, ['--max-semi-space-size=4', path.join(ROOT, 'bin/charla.js'), 'start']] as const;
  try {
    await timeStart(bin, env, { keep: false }); // creates and migrates the database
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let idleRssMb = 0;
    for (let i = 0; i < runs; i++) {
      const last = i === runs - 1;
      const started = await timeStart(bin, env, { keep: last });
      times.push(started.ms);
      cpuTimes.push(started.cpuMs);
      if (last && started.child) {
        await new Promise((r) => setTimeout(r, 5000));
        idleRssMb = round(rssKb(started.child.pid!) / 1024, 1);
        await stopChild(started.child);
      }
    }
    const binMs = Math.round(median(times));
    const binCpuMs = Math.round(median(cpuTimes));
    console.log(
      `  cold start (node --max-semi-space-size=4 bin/charla.js start): ${times.map((t) => `${t} ms`).join(', ')} → median ${binMs} ms ` +
        `(CPU ${binCpuMs} ms); idle RSS ${idleRssMb} MB`,
    );
    let npmMs: number | undefined;
    try {
      // npm's prestart builds the dashboard when it is stale; do that untimed first.
      await new Promise((resolve) => spawn(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: ROOT, stdio: 'ignore' }).once('exit', resolve));
      npmMs = (await timeStart(['npm', ['start', '--silent', '--']] as const, env, { keep: false })).ms;
      console.log(`  cold start (npm start): ${npmMs} ms`);
    } catch (err) {
      console.log(`  cold start (npm start) not measured: ${(err as Error).message}`);
    }
    return { binMs, binCpuMs, npmMs, idleRssMb };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function timeStart(
  [command, args]: readonly [string, readonly string[]],
  env: NodeJS.ProcessEnv,
  { keep }: { keep: boolean },
): Promise<{ ms: number; cpuMs: number; child?: ChildProcess }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command, [...args, '--port', String(port)], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  try {
    for (;;) {
      if (exited) throw new Error(`${command} exited before it was ready: ${stderr.trim()}`);
      if (performance.now() - started > 60_000) throw new Error(`${command} was not ready after 60 s`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 10));
    }
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  const ms = Math.round(performance.now() - started);
  const cpuMs = treeCpuMs(child.pid!);
  if (keep) return { ms, cpuMs, child };
  await stopChild(child);
  return { ms, cpuMs };
}

/**
 * CPU time (user + system) used so far by a process and its descendants (esbuild's service when the server is rebuilt or run through tsx,
 * npm's children): unlike wall time, it hardly depends on what else the shared machine is doing.
 */
function treeCpuMs(rootPid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {}
  }
  let ticks = 0;
  const pending = [rootPid];
  while (pending.length) {
    const pid = pending.pop()!;
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, s] of stats) if (s.ppid === pid) pending.push(child);
  }
  return Math.round(ticks * 10); // USER_HZ is 100 on Linux
}

/** SIGTERM to the child's whole process group (npm and esbuild start children of their own), then wait. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {}
  }, 15_000);
  await exited;
  clearTimeout(timer);
}

function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
