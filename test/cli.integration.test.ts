import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/context.ts';
import { ensureDead, type Spawned, spawnTs } from './support/processes.ts';
import { freePort } from './support/ports.ts';

/**
 * The `charla` command line, run as child processes against a temporary CHARLA_DATA_DIR (PGlite on
 * disk), or against a fresh PostgreSQL database when TEST_DATABASE_URL is set.
 */
const MAIN = 'src/main.ts';
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const spawned: Spawned[] = [];
let dataDir: string;
let ctx: TestContext | undefined;
let baseEnv: Record<string, string | undefined>;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-cli-'));
  if (onPostgres) ctx = await createTestContext();
  baseEnv = {
    CHARLA_DATA_DIR: dataDir,
    DATABASE_URL: ctx?.databaseUrl,
    CHARLA_SECRET_KEY: undefined,
    PORT: undefined,
    PUBLIC_URL: undefined,
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
  };
});
afterAll(async () => {
  await ctx?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(spawned.splice(0).map(ensureDead));
});

function charla(args: string[], env: Record<string, string | undefined> = {}) {
  const p = spawnTs(MAIN, args, { ...baseEnv, ...env });
  spawned.push(p);
  return p;
}

/** Runs a command to completion. */
async function run(args: string[], env: Record<string, string | undefined> = {}) {
  const p = charla(args, env);
  const code = await p.exited;
  return { code, stdout: p.stdout.join('\n'), stderr: p.stderr.join('') };
}

async function startServer(port: number) {
  const p = charla(['start', '--port', String(port)], { HOST: '127.0.0.1' });
  await p.waitForLine(/Charla is running/, 90_000);
  return p;
}

describe('charla CLI', () => {
  it('refuses a bad configuration with a clear message and exit code 78', async () => {
    const r = await run(['start'], { PORT: 'abc' });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('PORT');
    expect(r.stderr).toContain('whole number');
  }, 120_000);

  it('refuses the worker role on the embedded database with a clear message', async () => {
    const r = await run(['start', '--role', 'worker'], { DATABASE_URL: undefined });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/DATABASE_URL/);
    expect(r.stderr).toMatch(/PostgreSQL/);
  }, 120_000);

  it('rejects an unknown role and an unknown command', async () => {
    const role = await run(['start', '--role', 'boss']);
    expect(role.code).toBe(2);
    expect(role.stderr).toMatch(/--role must be one of all, api, worker/);
    const cmd = await run(['frobnicate']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toMatch(/Unknown command "frobnicate"/);
  }, 120_000);

  it('migrate is idempotent', async () => {
    const first = await run(['migrate']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(onPostgres ? /up to date/ : /Applied \d+ migration/);
    const second = await run(['migrate']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/The database is up to date/);
  }, 120_000);

  it('setup with bad arguments explains what is wrong', async () => {
    const r = await run(['setup', '--org', 'Shop', '--email', 'not-an-email', '--password', 'short']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/email/);
    expect(r.stderr).toMatch(/password/);
  }, 120_000);

  it('setup --json prints the organization, the owner and an API key that works against the started server', async () => {
    const r = await run(['setup', '--org', 'Tienda Sol', '--email', 'Duena@Sol.example', '--password', 'una clave larga', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { organizationId: string; userId: string; apiKey: string };
    expect(Object.keys(out).sort()).toEqual(['apiKey', 'organizationId', 'userId']);
    expect(out.apiKey).toMatch(/^chk_/);

    const port = await freePort();
    const server = await startServer(port);
    const me = await fetch(`http://127.0.0.1:${port}/api/v1/me`, { headers: { authorization: `Bearer ${out.apiKey}` } });
    expect(me.status).toBe(200);
    const body = (await me.json()) as { organization: { id: string; name: string }; kind: string };
    expect(body.organization).toMatchObject({ id: out.organizationId, name: 'Tienda Sol' });
    expect(body.kind).toBe('apiKey');
    // The owner can sign in with the password given to setup.
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'duena@sol.example', password: 'una clave larga' }),
    });
    expect(login.status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 180_000);

  it('on SIGTERM finishes the in-flight request, refuses new connections and exits 0', async () => {
    const port = await freePort();
    const server = await startServer(port);
    // An in-flight request: headers sent, body still arriving when the signal comes.
    const body = JSON.stringify({ email: 'nobody@example.test', password: 'whatever it is' });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      (globalThis as { finishBody?: () => void }).finishBody = () => req.end(body.slice(10));
    });
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGTERM');
    await server.waitForLine(/shutting down/);
    await new Promise((r) => setTimeout(r, 200));

    const refused = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    expect(server.child.exitCode).toBeNull();

    (globalThis as { finishBody?: () => void }).finishBody!();
    const res = await response;
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).code).toBe('invalid_credentials');
    expect(await server.exited).toBe(0);
  }, 180_000);
});
