import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/context.ts';
import { freePort } from './support/ports.ts';
import { ROOT } from './support/processes.ts';

/**
 * `node bin/charla.js` — what `npm start` and the `charla` bin run — builds dist/server/main.js when it
 * is missing or stale and runs it without tsx: the commands, the dashboard's API and files found
 * through `import.meta.url` (migrations, demo data) work from the bundle.
 */
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const BIN = path.join(ROOT, 'bin/charla.js');
let dataDir: string;
let ctx: TestContext | undefined;
let env: NodeJS.ProcessEnv;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-build-'));
  if (onPostgres) ctx = await createTestContext();
  env = { ...process.env, CHARLA_DATA_DIR: dataDir, LOG_LEVEL: 'info', HOST: '127.0.0.1' };
  for (const name of ['DATABASE_URL', 'CHARLA_SECRET_KEY', 'PORT', 'PUBLIC_URL', 'CHARLA_NO_BUILD', 'NODE_OPTIONS']) delete env[name];
  if (ctx) env.DATABASE_URL = ctx.databaseUrl;
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await ctx?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Runs `node bin/charla.js …` (plain Node, no tsx loader) to completion. */
function charla(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the built charla command', () => {
  it('builds the server bundle, then sets up, serves the API and stops cleanly from it', { timeout: 180_000 }, async () => {
    const setup = await charla(['setup', '--org', 'Build Org', '--email', 'build@example.test', '--password', 'build password 1', '--json']);
    expect(setup.stderr).not.toMatch(/running the TypeScript sources/);
    expect(setup.code).toBe(0);
    const { apiKey } = JSON.parse(setup.stdout.trim().split('\n').at(-1)!) as { apiKey: string };

    // The bundle exists and records the sources it was made from.
    const inputs = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist/server/inputs.json'), 'utf8')) as { inputs: [string, number, number][] };
    expect(inputs.inputs.map(([file]) => file)).toEqual(expect.arrayContaining(['src/main.ts', 'src/http/app.ts', 'src/db/migrate.ts']));

    const port = await freePort();
    const server = spawn(process.execPath, [BIN, 'start', '--port', String(port)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(server);
    let out = '';
    server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | string | null>((resolve) => server.on('exit', (code, signal) => resolve(code ?? signal)));
    const deadline = Date.now() + 120_000;
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) break;
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The server runs the bundle, not the sources.
    expect(fs.readFileSync(`/proc/${server.pid}/cmdline`, 'utf8')).not.toMatch(/tsx/);

    const me = await fetch(`http://127.0.0.1:${port}/api/v1/me`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ kind: 'apiKey', organization: { name: 'Build Org' }, role: 'owner' });
    const anonymous = await fetch(`http://127.0.0.1:${port}/api/v1/me`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()) as { code: string }).toMatchObject({ code: 'unauthenticated' });

    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Buffered log lines are all written by exit: the request lines and the last one.
    expect(out).toMatch(/"url":"\/api\/v1\/me","statusCode":200/);
    expect(out.trim().split('\n').at(-1)).toMatch(/"msg":"stopped"/);
  });
});
