import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig } from '../src/config/config.ts';
import { type Container, createContainer } from '../src/container.ts';
import { messageTemplates } from '../src/db/schema/index.ts';
import { WhatsAppCloudClient } from '../src/adapters/whatsapp-cloud/graph-client.ts';
import { createChannel } from '../src/modules/channels/channels.service.ts';
import { SQL_NEW_ID } from '../src/modules/campaigns/campaigns.repository.ts';
import { createApiKey } from '../src/modules/identity/api-keys.service.ts';
import { createOrganizationWithOwner } from '../src/modules/identity/auth.service.ts';
import { toMetaComponents } from '../src/modules/templates/index.ts';
import { newId } from '../src/shared/ids.ts';
import { QUICK, round } from './support/load.ts';

/**
 * Campaigns against the WhatsApp emulator configured like an upgraded number: 1,000 messages/s and
 * ~250 ms per Graph request. Charla runs as one `start` process on PostgreSQL, the emulator as another.
 * - Baseline: a bare Graph client against the same emulator — the machine's own ceiling right now
 *   (two shared cores can run out before Meta's limit does).
 * - A: the send path alone (no status webhooks): send rate as a ratio to the limit and to
 *   min(limit, ceiling). Target ≥ 0.95.
 * - B: with sent → delivered → read webhooks for every message (Meta's "3× the outgoing traffic"):
 *   send rate, the webhook backlog over time (it must not keep growing), and how far behind each
 *   recipient's "read" was from the webhook that carried it (p50/p95/p99; target p95 < 2 s).
 * `BENCH_QUICK=1` uses 10,000 recipients instead of 100,000.
 */
export const name = 'campaigns';

const ROOT = path.resolve(import.meta.dirname, '..');
const RECIPIENTS = QUICK ? 10_000 : 100_000;
const LIMIT_MPS = 1000;
const LATENCY_MS = 250;
const DELAYS = { sent: 100, delivered: 600, read: 2500, played: 4000 };
/** Statuses an hour away: none arrives during the run. */
const NO_STATUSES = { sent: 3_600_000, delivered: 3_600_000, read: 3_600_000, played: 3_600_000 };
const SECRET = 'bench-campaigns-master-key-0123456789abcdef';

/** Runs the suite and returns its figures. */
export async function run(): Promise<Record<string, number | string>> {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `charla_bench_campaigns_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch {
    return { skipped: `PostgreSQL at ${adminUrl.replace(/\/\/[^@]*@/, '//')} is not reachable (the embedded database is not meant for 1,000 messages/s)` };
  }
  await admin.query(`create database ${pg.escapeIdentifier(dbName)}`);
  const databaseUrl = withDatabase(adminUrl, dbName);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-bench-campaigns-'));
  const children: ChildProcess[] = [];
  try {
    const env = { CHARLA_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, CHARLA_SECRET_KEY: SECRET, LOG_LEVEL: 'warn' };
    const emulatorPort = await freePort();
    const charlaPort = await freePort();
    const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
    const charlaUrl = `http://127.0.0.1:${charlaPort}`;
    children.push(spawnTs(['src/main.ts', 'emulator', '--port', String(emulatorPort)], { LOG_LEVEL: 'warn' }));
    await waitUntil(async () => (await fetch(`${emulatorUrl}/_emulator/config`).catch(() => null))?.ok === true, 60_000);

    console.log(`  setting up ${RECIPIENTS.toLocaleString('en')} contacts on PostgreSQL…`);
    const setup = await createContainer(loadConfig(env));
    const w = await setUp(setup, emulatorUrl);
    await setup.close();
    await post(`${emulatorUrl}/_emulator/phone-numbers`, {
      phoneNumberId: w.phoneNumberId,
      wabaId: w.wabaId,
      accessToken: w.accessToken,
      appSecret: w.appSecret,
      webhookUrl: `${charlaUrl}/webhooks/whatsapp/${w.channelId}`,
    });
    await post(`${emulatorUrl}/_emulator/templates`, { wabaId: w.wabaId, name: 'bench_offer', language: 'es', category: 'MARKETING', components: w.components, status: 'APPROVED' });

    // The machine's own ceiling, now: a bare client sending as fast as it can (same latency, no limit).
    await post(`${emulatorUrl}/_emulator/config`, { throughputMps: 100_000, latencyMs: LATENCY_MS, statusDelaysMs: NO_STATUSES, maxMessages: 20_000 });
    const ceiling = await bareSendRate(emulatorUrl, w);
    console.log(`  baseline: a bare client reaches ${round(ceiling)} sends/s against the emulator on this machine now`);

    children.push(
      spawnTs(['src/main.ts', 'start', '--port', String(charlaPort)], { ...env, PUBLIC_URL: charlaUrl, DATABASE_POOL_SIZE: '40', CHARLA_JOB_CONCURRENCY: '64', CHARLA_API_RATE_LIMIT: '1000000' }),
    );
    await waitUntil(async () => (await fetch(`${charlaUrl}/readyz`).catch(() => null))?.ok === true, 120_000);
    const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    const campaign = async (label: string) => {
      const res = await fetch(`${charlaUrl}/api/v1/campaigns`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: label,
          templateId: w.templateId,
          audience: { kind: 'all' },
          action: 'send',
          variables: { 'body.1': { source: 'field', field: 'firstName', fallback: 'cliente' }, 'body.2': { source: 'text', value: 'BENCH20' } },
        }),
      });
      if (res.status !== 201) throw new Error(`campaign creation failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    };
    const config = (statusDelaysMs: typeof DELAYS) =>
      post(`${emulatorUrl}/_emulator/config`, { throughputMps: LIMIT_MPS, latencyMs: LATENCY_MS, statusDelaysMs, autoRead: true, webhookRetry: { baseMs: 1000, factor: 2, maxAttempts: 10, timeoutMs: 30_000 } });

    // A: the send path alone (no status webhooks).
    console.log(`  A — ${RECIPIENTS.toLocaleString('en')} recipients, status webhooks off:`);
    await config(NO_STATUSES);
    const a = await campaign('Bench A');
    await follow(db, a, (s) => s.sent >= RECIPIENTS, QUICK ? 120_000 : 600_000);
    const rateA = await sendRate(db, a);

    // B: everything — sent, delivered and read webhooks for each message (3× the sends).
    console.log(`  B — ${RECIPIENTS.toLocaleString('en')} recipients with sent/delivered/read webhooks:`);
    await config(DELAYS);
    const b = await campaign('Bench B');
    const backlog = await follow(db, b, (s) => s.read >= RECIPIENTS, QUICK ? 240_000 : 900_000, (s) => s.sent >= RECIPIENTS, QUICK ? 60_000 : 180_000);
    const rateB = await sendRate(db, b);
    const lag = await stateLag(db, b);
    await db.end();

    const effective = Math.min(LIMIT_MPS, ceiling);
    const sendEnd = rateB.lastAt - backlog.started;
    const during = backlog.samples.filter((x) => x.t <= sendEnd);
    const after = backlog.samples.filter((x) => x.t > sendEnd);
    return {
      recipients: RECIPIENTS,
      limit_mps: LIMIT_MPS,
      graph_latency_ms: LATENCY_MS,
      machine_ceiling_mps: round(ceiling),
      a_send_rate_mps: round(rateA.overall),
      a_send_ratio_to_limit: round(rateA.overall / LIMIT_MPS, 3),
      a_send_ratio_to_ceiling: round(rateA.overall / effective, 3),
      send_ratio_target: '>= 0.95',
      b_send_rate_mps: round(rateB.overall),
      b_send_ratio_to_limit: round(rateB.overall / LIMIT_MPS, 3),
      b_read_by_end: `${backlog.last.read}/${RECIPIENTS}`,
      b_state_lag_p50_s: round(lag.p50, 2),
      b_state_lag_p95_s: round(lag.p95, 2),
      b_state_lag_p99_s: round(lag.p99, 2),
      state_lag_p95_target: '< 2 s',
      b_webhooks_processed_per_s: round(backlog.processedPerSecond),
      b_webhook_backlog_max: Math.max(0, ...backlog.samples.map((x) => x.webhooks)),
      b_webhook_backlog_at_send_end: during.at(-1)?.webhooks ?? 0,
      b_webhook_backlog_at_end: after.at(-1)?.webhooks ?? backlog.last.webhooks,
    };
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await admin.query(`drop database if exists ${pg.escapeIdentifier(dbName)} with (force)`).catch(() => {});
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Sample {
  t: number;
  sent: number;
  read: number;
  webhooks: number;
  processed: number;
}

/** Samples a campaign every second until `done` (or the time limit); prints a line every 5 s. */
async function follow(db: pg.Pool, campaignId: string, done: (s: Sample) => boolean, timeoutMs: number, sendingDone?: (s: Sample) => boolean, afterSendingMs?: number) {
  const started = Date.now();
  const samples: Sample[] = [];
  let sentAt: number | undefined;
  for (;;) {
    const { rows } = await db.query<Omit<Sample, 't'>>(
      `select (select count(*) from campaign_recipients where campaign_id = $1 and sent_at is not null)::int as sent,
              (select count(*) from campaign_recipients where campaign_id = $1 and status = 'read')::int as read,
              (select count(*) from webhook_events where processed_at is null)::int as webhooks,
              (select count(*) from webhook_events where processed_at is not null)::int as processed`,
      [campaignId],
    );
    const s = { t: Date.now() - started, ...rows[0]! };
    samples.push(s);
    if (samples.length % 5 === 1) console.log(`    ${round(s.t / 1000)} s: sent ${s.sent}, read ${s.read}, webhooks waiting ${s.webhooks}`);
    if (done(s)) break;
    if (sendingDone?.(s)) sentAt ??= Date.now();
    if (Date.now() - started > timeoutMs || (sentAt !== undefined && afterSendingMs !== undefined && Date.now() - sentAt > afterSendingMs)) {
      console.log(`    stopped waiting at ${round(s.t / 1000)} s: sent ${s.sent}, read ${s.read}, webhooks waiting ${s.webhooks}`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const first = samples[0]!;
  const last = samples.at(-1)!;
  return { started, samples, last, processedPerSecond: (last.processed - first.processed) / Math.max(1, (last.t - first.t) / 1000) };
}

/** Accepted sends per second, from the times WhatsApp accepted them. */
async function sendRate(db: pg.Pool, campaignId: string) {
  const { rows } = await db.query<{ first: string; last: string; sent: number }>(
    'select min(sent_at)::text as first, max(sent_at)::text as last, count(sent_at)::int as sent from campaign_recipients where campaign_id = $1',
    [campaignId],
  );
  const t = rows[0]!;
  const span = (Date.parse(t.last) - Date.parse(t.first)) / 1000;
  console.log(`    sent ${t.sent} in ${round(span, 1)} s: ${round(t.sent / span)} msg/s`);
  return { overall: t.sent / span, lastAt: Date.parse(t.last) };
}

/** How long after the emulator sent the "read" webhook the recipient showed it (accepted + read delay). */
async function stateLag(db: pg.Pool, campaignId: string) {
  const { rows } = await db.query<{ p50: number | null; p95: number | null; p99: number | null }>(
    `select percentile_cont(0.5) within group (order by lag) as p50, percentile_cont(0.95) within group (order by lag) as p95,
            percentile_cont(0.99) within group (order by lag) as p99
     from (select extract(epoch from (r.updated_at - (r.sent_at + interval '${DELAYS.read} milliseconds'))) as lag
           from campaign_recipients r where r.campaign_id = $1 and r.status = 'read') x`,
    [campaignId],
  );
  return { p50: rows[0]?.p50 ?? Number.NaN, p95: rows[0]?.p95 ?? Number.NaN, p99: rows[0]?.p99 ?? Number.NaN };
}

/** A bare Graph client sending templates with 300 requests in flight for a few seconds: sends per second. */
async function bareSendRate(emulatorUrl: string, w: { phoneNumberId: string; wabaId: string; accessToken: string; appSecret: string }): Promise<number> {
  const client = new WhatsAppCloudClient({ ...w, graphApiUrl: emulatorUrl });
  let done = 0;
  const until = Date.now() + (QUICK ? 5_000 : 10_000);
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 300 }, async (_, i) => {
      while (Date.now() < until) {
        await client
          .sendMessage(`+3490${String(i).padStart(8, '0')}`, { type: 'template', name: 'bench_offer', languageCode: 'es', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'X' }] }] })
          .then(() => done++, () => {});
      }
    }),
  );
  return done / ((Date.now() - started) / 1000);
}

async function setUp(container: Container, emulatorUrl: string) {
  const ids = { phoneNumberId: '1088877766001', wabaId: '2088877766001', accessToken: 'EAAG-bench-campaigns-token', appSecret: 'bench-app-secret-01' };
  const org = await createOrganizationWithOwner(
    container,
    { organizationName: 'Bench', ownerName: 'Owner', email: 'bench@example.test', password: 'correct horse battery', language: 'es', firstRunOnly: false },
    { ip: null, userAgent: null },
  );
  const { key } = await createApiKey(container.database.db, org.organizationId, 'bench', { userId: org.userId, label: 'bench' });
  const channel = await createChannel(container, org.organizationId, { type: 'whatsapp', name: 'Bench', appId: '1', graphApiUrl: emulatorUrl, throughputMps: LIMIT_MPS, ...ids }, { label: 'bench' });
  const components = toMetaComponents({
    body: { text: 'Hola {{1}}, esta semana tienes un 20 % de descuento con el cupón {{2}}.', examples: { '1': 'Ana', '2': 'AURORA20' } },
    footer: { text: 'Tienda Aurora' },
    buttons: [{ type: 'quick_reply', text: 'Me interesa' }],
  });
  const templateId = newId();
  await container.database.db.insert(messageTemplates).values({ id: templateId, organizationId: org.organizationId, channelId: channel.id, name: 'bench_offer', language: 'es', category: 'marketing', status: 'approved', components });
  await container.database.db.execute(sql`
    insert into contacts (id, organization_id, first_name, last_name, phone, wa_id, source, marketing_consent)
    select ${SQL_NEW_ID}, ${org.organizationId}::uuid, 'Cliente ' || g, 'Bench', '+3480' || lpad(g::text, 8, '0'), '3480' || lpad(g::text, 8, '0'), 'import', 'granted'
    from generate_series(1, ${RECIPIENTS}) as g`);
  return { ...ids, apiKey: key, channelId: channel.id, templateId, components };
}

function spawnTs(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return child;
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url} → ${res.status} ${await res.text()}`);
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for a process to start');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
