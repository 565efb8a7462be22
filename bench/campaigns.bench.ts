import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
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
import { freePort } from '../test/support/ports.ts';

/**
 * Campaigns against the WhatsApp emulator configured like an upgraded number: 1,000 messages/s and
 * ~250 ms per Graph request, webhooks delivered with up to 1,000 in flight (Meta's latency standard —
 * a median answer within 250 ms — at 3,000 webhooks/s means ~750 in flight). On PostgreSQL Charla
 * runs as the documented server topology, an `api` and a `worker` process (`BENCH_CAMPAIGNS_ROLES=all`:
 * one `all` process, as on PGlite); the emulator is another process. The suite runs on PostgreSQL and
 * on embedded PGlite (`BENCH_CAMPAIGNS_DB=postgres,pglite`, either or both).
 * - Baseline: a bare Graph client against the same emulator — the machine's own ceiling right now
 *   (two shared cores can run out before Meta's limit does).
 * - A: the send path alone (no status webhooks): send rate (accepted sends per second, first to last
 *   acceptance) as a ratio to the limit and to min(limit, ceiling), and the campaign's duration from
 *   its start to its last acceptance. Target ≥ 0.95 of the limit (100,000 in under 2 minutes).
 * - B: with sent → delivered → read webhooks for every message (Meta's "3× the outgoing traffic"):
 *   send rate, the webhook backlog over time, sampled every second, on both sides — deliveries
 *   waiting at the emulator (a server that answers slowly makes them wait at Meta) and stored
 *   deliveries Charla has not processed yet; it must not keep growing — and the recipient-state lag:
 *   for a sample of recipients, the time from the emulator emitting the "read" status (its own
 *   timestamp) to the recipient row showing it (`updated_at`), p50/p95/p99; target p95 < 2 s.
 * CPU seconds of each process are printed for A and B (Charla's api and worker apart).
 * Recipients: `BENCH_CAMPAIGNS_RECIPIENTS` (default 100,000 on PostgreSQL, a tenth on PGlite, whose
 * single connection is not meant for this load); `BENCH_QUICK=1` divides by ten.
 */
export const name = 'campaigns';

const ROOT = path.resolve(import.meta.dirname, '..');
const FULL = Number(process.env.BENCH_CAMPAIGNS_RECIPIENTS) || 100_000;
const RECIPIENTS = { postgres: QUICK ? Math.round(FULL / 10) : FULL, pglite: Math.round((QUICK ? FULL / 10 : FULL) / (process.env.BENCH_CAMPAIGNS_RECIPIENTS ? 1 : 10)) };
const DATABASES = (process.env.BENCH_CAMPAIGNS_DB ?? 'postgres,pglite').split(',').map((d) => d.trim()) as ('postgres' | 'pglite')[];
const LIMIT_MPS = 1000;
const LATENCY_MS = 250;
/** Webhook deliveries in flight at the emulator at most (see above). */
const WEBHOOK_CONCURRENCY = 1000;
const DELAYS = { sent: 100, delivered: 600, read: 2500, played: 4000 };
/** Statuses an hour away: none arrives during the run. */
const NO_STATUSES = { sent: 3_600_000, delivered: 3_600_000, read: 3_600_000, played: 3_600_000 };
const SECRET = 'bench-campaigns-master-key-0123456789abcdef';
/** Recipients whose state lag is measured against the emulator's own status times. */
const LAG_SAMPLE = 500;

/** Runs the suite and returns its figures. */
export async function run(): Promise<Record<string, number | string>> {
  const figures: Record<string, number | string> = { limit_mps: LIMIT_MPS, graph_latency_ms: LATENCY_MS, send_ratio_target: '>= 0.95', state_lag_p95_target: '< 2 s' };
  for (const kind of DATABASES) {
    if (kind !== 'postgres' && kind !== 'pglite') throw new Error(`BENCH_CAMPAIGNS_DB: unknown database "${kind}" (postgres, pglite)`);
    console.log(`  — on ${kind === 'postgres' ? 'PostgreSQL' : 'embedded PGlite'}, ${RECIPIENTS[kind].toLocaleString('en')} recipients`);
    const result = await runOn(kind, RECIPIENTS[kind]);
    for (const [key, value] of Object.entries(result)) figures[`${kind === 'postgres' ? 'pg' : 'pglite'}_${key}`] = value;
  }
  return figures;
}

type Query = <T>(text: string, params?: unknown[]) => Promise<T[]>;

/** One full run (baseline, A, B) on a fresh database. */
async function runOn(kind: 'postgres' | 'pglite', recipients: number): Promise<Record<string, number | string>> {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `charla_bench_campaigns_${process.pid}`;
  let admin: pg.Client | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-bench-campaigns-'));
  const env: Record<string, string> = { CHARLA_DATA_DIR: dataDir, CHARLA_SECRET_KEY: SECRET, LOG_LEVEL: 'warn' };
  if (kind === 'postgres') {
    admin = new pg.Client({ connectionString: adminUrl });
    try {
      await admin.connect();
    } catch {
      fs.rmSync(dataDir, { recursive: true, force: true });
      return { skipped: `PostgreSQL at ${adminUrl.replace(/\/\/[^@]*@/, '//')} is not reachable` };
    }
    await admin.query(`create database ${pg.escapeIdentifier(dbName)}`);
    env.DATABASE_URL = withDatabase(adminUrl, dbName);
  }
  const children: ChildProcess[] = [];
  let pool: pg.Pool | undefined;
  let inspector: Container | undefined;
  try {
    const emulatorPort = await freePort();
    const charlaPort = await freePort();
    const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
    const charlaUrl = `http://127.0.0.1:${charlaPort}`;
    // `BENCH_CAMPAIGNS_PROFILE_DIR`: both processes write V8 CPU profiles there when they exit.
    const profileDir = process.env.BENCH_CAMPAIGNS_PROFILE_DIR;
    const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    children.push(spawnTs([...profile, 'src/main.ts', 'emulator', '--port', String(emulatorPort)], { LOG_LEVEL: 'warn' }));
    await waitUntil(async () => (await fetch(`${emulatorUrl}/_emulator/config`).catch(() => null))?.ok === true, 60_000);

    console.log(`  setting up ${recipients.toLocaleString('en')} contacts…`);
    const setup = await createContainer(loadConfig(env));
    const w = await setUp(setup, emulatorUrl, recipients);
    await setup.close();
    await post(`${emulatorUrl}/_emulator/phone-numbers`, {
      phoneNumberId: w.phoneNumberId,
      wabaId: w.wabaId,
      accessToken: w.accessToken,
      appSecret: w.appSecret,
      webhookUrl: `${charlaUrl}/webhooks/whatsapp/${w.channelId}`,
    });
    await post(`${emulatorUrl}/_emulator/templates`, { wabaId: w.wabaId, name: 'bench_offer', language: 'es', category: 'MARKETING', components: w.components, status: 'APPROVED' });

    // The emulator keeps every message of both campaigns (and the baseline's), with its status times.
    const maxMessages = Math.min(1_000_000, 2 * recipients + 50_000);
    // The machine's own ceiling, now: a bare client sending as fast as it can (same latency, no limit).
    await post(`${emulatorUrl}/_emulator/config`, { throughputMps: 100_000, latencyMs: LATENCY_MS, statusDelaysMs: NO_STATUSES, maxMessages });
    const ceiling = await bareSendRate(emulatorUrl, w);
    console.log(`  baseline: a bare client reaches ${round(ceiling)} sends/s against the emulator on this machine now`);

    const logFile = path.join(os.tmpdir(), `charla-bench-campaigns-${kind}-${process.pid}.log`);
    console.log(`  Charla's log: ${logFile}`);
    const charlaEnv = { ...env, PUBLIC_URL: charlaUrl, DATABASE_POOL_SIZE: '40', CHARLA_JOB_CONCURRENCY: '64', CHARLA_API_RATE_LIMIT: '1000000' };
    const split = kind === 'postgres' && process.env.BENCH_CAMPAIGNS_ROLES !== 'all';
    const charla = spawnTs([...profile, 'src/main.ts', 'start', '--role', split ? 'api' : 'all', '--port', String(charlaPort)], charlaEnv, logFile);
    children.push(charla);
    const worker = split ? spawnTs([...profile, 'src/main.ts', 'start', '--role', 'worker'], charlaEnv, logFile) : undefined;
    if (worker) children.push(worker);
    await waitUntil(async () => (await fetch(`${charlaUrl}/readyz`).catch(() => null))?.ok === true, 120_000);
    if (kind === 'postgres') {
      pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 });
      pool.on('error', (err) => console.error(`  bench database connection: ${err.message}`));
    }
    const api = async (method: string, p: string, body?: unknown) => {
      const res = await fetch(`${charlaUrl}${p}`, {
        method,
        headers: { authorization: `Bearer ${w.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${await res.text()}`);
      return res.json() as Promise<Record<string, unknown>>;
    };
    const campaign = async (label: string) => {
      const created = await api('POST', '/api/v1/campaigns', {
        name: label,
        templateId: w.templateId,
        audience: { kind: 'all' },
        action: 'send',
        variables: { 'body.1': { source: 'field', field: 'firstName', fallback: 'cliente' }, 'body.2': { source: 'text', value: 'BENCH20' } },
      });
      return String(created.id);
    };
    // Progress while running: from the database on PostgreSQL; through the API on PGlite (one process owns it).
    const sample: Sampler = pool
      ? async (campaignId) => {
          // Cheap enough to run every second without weighing on the run: the recipients through the
          // (campaign, status) index, the waiting deliveries through their partial index.
          const { rows } = await pool!.query<Omit<Sample, 't' | 'atMeta' | 'deliveredByMeta'>>(
            `select count(*) filter (where status in ('sent', 'delivered', 'read'))::int as sent,
                    count(*) filter (where status = 'failed')::int as failed,
                    count(*) filter (where status = 'read')::int as read,
                    (select count(*) from webhook_events where processed_at is null)::int as webhooks
             from campaign_recipients where campaign_id = $1`,
            [campaignId],
          );
          return rows[0]!;
        }
      : async (campaignId) => {
          const c = await api('GET', `/api/v1/campaigns/${campaignId}`).catch(() => null);
          const stats = (c?.stats ?? {}) as { sent?: number; delivered?: number; read?: number; failed?: number };
          return { sent: stats.sent ?? 0, failed: stats.failed ?? 0, read: stats.read ?? 0, webhooks: Number.NaN };
        };
    const config = (statusDelaysMs: typeof DELAYS) =>
      post(`${emulatorUrl}/_emulator/config`, { throughputMps: LIMIT_MPS, latencyMs: LATENCY_MS, statusDelaysMs, autoRead: true, webhookConcurrency: WEBHOOK_CONCURRENCY, webhookRetry: { baseMs: 1000, factor: 2, maxAttempts: 10, timeoutMs: 30_000 } });

    // A: the send path alone (no status webhooks).
    console.log(`  A — ${recipients.toLocaleString('en')} recipients, status webhooks off:`);
    await config(NO_STATUSES);
    const cpuBeforeA = cpuSeconds([charla.pid, worker?.pid], children[0]!.pid);
    const a = await campaign('Bench A');
    const followedA = await follow(sample, emulatorUrl, a, (s) => s.sent + s.failed >= recipients, Math.max(120_000, recipients * 6));
    const cpuA = cpuSpent(cpuBeforeA, cpuSeconds([charla.pid, worker?.pid], children[0]!.pid), followedA.seconds);

    // B: everything — sent, delivered and read webhooks for each message (3× the sends).
    console.log(`  B — ${recipients.toLocaleString('en')} recipients with sent/delivered/read webhooks:`);
    await config(DELAYS);
    const cpuBefore = cpuSeconds([charla.pid, worker?.pid], children[0]!.pid);
    const b = await campaign('Bench B');
    const backlog = await follow(
      sample,
      emulatorUrl,
      b,
      (s) => s.read + s.failed >= recipients,
      Math.max(240_000, recipients * 9),
      (s) => s.sent + s.failed >= recipients,
      Math.max(60_000, recipients * 1.8),
    );

    const cpuB = cpuSpent(cpuBefore, cpuSeconds([charla.pid, worker?.pid], children[0]!.pid), backlog.seconds);

    // The figures, from the database once Charla has stopped (PGlite: it lets go of the database; and the
    // emulator stops retrying webhooks at a busy server, so it answers the lag queries promptly).
    await Promise.all([charla, worker].map((child) => (child ? new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); }) : null)));
    let query: Query;
    if (pool) {
      const p = pool;
      query = async <T>(text: string, params?: unknown[]) => (await p.query(text, params)).rows as T[];
    } else {
      inspector = await createContainer(loadConfig(env), { migrate: false });
      const lite = inspector.database.pglite!;
      query = async <T>(text: string, params?: unknown[]) => (await lite.query<T>(text, params)).rows;
    }
    const rateA = await sendRate(query, a);
    const rateB = await sendRate(query, b);
    const lag = await stateLag(query, emulatorUrl, w.phoneNumberId, b);
    const [left] = await query<{ waiting: number; read: number; a_failed: number; b_failed: number }>(
      `select (select count(*) from webhook_events where processed_at is null)::int as waiting,
              (select count(*) from campaign_recipients where campaign_id = $2 and status = 'read')::int as read,
              (select count(*) from campaign_recipients where campaign_id = $1 and status = 'failed')::int as a_failed,
              (select count(*) from campaign_recipients where campaign_id = $2 and status = 'failed')::int as b_failed`,
      [a, b],
    );

    const effective = Math.min(LIMIT_MPS, ceiling);
    const sendEnd = rateB.lastAt - backlog.started;
    const during = backlog.samples.filter((x) => x.t <= sendEnd);
    const waiting = backlog.samples.map((x) => x.webhooks).filter((n) => !Number.isNaN(n));
    const series = backlog.samples.filter((_, i) => i % 10 === 0).map((x) => (Number.isNaN(x.webhooks) ? '?' : String(x.webhooks)));
    return {
      recipients,
      machine_ceiling_mps: round(ceiling),
      a_send_rate_mps: round(rateA.overall),
      a_send_ratio_to_limit: round(rateA.overall / LIMIT_MPS, 3),
      a_send_ratio_to_ceiling: round(rateA.overall / effective, 3),
      a_campaign_seconds: round(rateA.campaignSeconds, 1),
      a_sends_per_second: rateA.perSecond,
      a_failed: left?.a_failed ?? 0,
      a_cpu_seconds: cpuA,
      b_send_rate_mps: round(rateB.overall),
      b_send_ratio_to_limit: round(rateB.overall / LIMIT_MPS, 3),
      b_campaign_seconds: round(rateB.campaignSeconds, 1),
      b_sends_per_second: rateB.perSecond,
      b_failed: left?.b_failed ?? 0,
      b_read_by_end: `${left?.read ?? 0}/${recipients}`,
      b_state_lag_sample: `${lag.measured}/${lag.asked}`,
      b_state_lag_p50_s: round(lag.p50, 2),
      b_state_lag_p95_s: round(lag.p95, 2),
      b_state_lag_p99_s: round(lag.p99, 2),
      b_webhooks_processed_per_s: Number.isNaN(backlog.processedPerSecond) ? 'n/a' : round(backlog.processedPerSecond),
      b_webhook_backlog_max: waiting.length ? Math.max(0, ...waiting) : 'n/a',
      b_webhook_backlog_at_send_end: waiting.length ? (during.at(-1)?.webhooks ?? 0) : 'n/a',
      b_webhook_backlog_at_end: left?.waiting ?? 'n/a',
      b_webhook_backlog_every_10s: series.join(' '),
      b_webhooks_at_emulator_max: Math.max(0, ...backlog.samples.map((x) => x.atMeta).filter((n) => !Number.isNaN(n))),
      b_webhooks_at_emulator_every_10s: backlog.samples.filter((_, i) => i % 10 === 0).map((x) => x.atMeta).join(' '),
      b_cpu_seconds: cpuB,
    };
  } finally {
    // A profiled process writes its profile on a clean exit: ask first.
    if (process.env.BENCH_CAMPAIGNS_PROFILE_DIR) {
      await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); setTimeout(resolve, 10_000); }) : null)));
    }
    for (const child of children) child.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await pool?.end();
    await inspector?.close();
    if (admin) {
      await admin.query(`drop database if exists ${pg.escapeIdentifier(dbName)} with (force)`).catch(() => {});
      await admin.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Sample {
  t: number;
  sent: number;
  failed: number;
  read: number;
  /** Stored deliveries Charla has not processed yet. */
  webhooks: number;
  /** Status webhooks due at the emulator ("Meta") and not delivered yet: waiting for a place, or in flight. */
  atMeta: number;
  /** Webhooks the emulator has delivered so far (Charla answered 200). */
  deliveredByMeta: number;
}
type Sampler = (campaignId: string) => Promise<Omit<Sample, 't' | 'atMeta' | 'deliveredByMeta'>>;

/** Samples a campaign every second until `done` (or the time limit); prints a line every 5 s. */
async function follow(sample: Sampler, emulatorUrl: string, campaignId: string, done: (s: Sample) => boolean, timeoutMs: number, sendingDone?: (s: Sample) => boolean, afterSendingMs?: number) {
  const started = Date.now();
  const samples: Sample[] = [];
  let sentAt: number | undefined;
  for (;;) {
    const [charla, meta] = await Promise.all([
      sample(campaignId),
      fetch(`${emulatorUrl}/_emulator/webhooks/stats`)
        .then((r) => r.json() as Promise<{ waiting: number; inFlight: number; delivered: number }>)
        .catch(() => ({ waiting: Number.NaN, inFlight: Number.NaN, delivered: Number.NaN })),
    ]);
    const s = { t: Date.now() - started, ...charla, atMeta: meta.waiting + meta.inFlight, deliveredByMeta: meta.delivered };
    samples.push(s);
    const line = `sent ${s.sent}, failed ${s.failed}, read ${s.read}, webhooks waiting at the emulator ${s.atMeta}${Number.isNaN(s.webhooks) ? '' : `, at Charla ${s.webhooks}`}`;
    if (samples.length % 5 === 1) console.log(`    ${round(s.t / 1000)} s: ${line}`);
    if (done(s)) break;
    if (sendingDone?.(s)) sentAt ??= Date.now();
    if (Date.now() - started > timeoutMs || (sentAt !== undefined && afterSendingMs !== undefined && Date.now() - sentAt > afterSendingMs)) {
      console.log(`    stopped waiting at ${round(s.t / 1000)} s: ${line}`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const first = samples[0]!;
  const last = samples.at(-1)!;
  // Processed: delivered by the emulator (every delivery Charla acknowledged is stored) and not waiting at Charla.
  const processed = (x: Sample) => x.deliveredByMeta - x.webhooks;
  return { started, samples, last, seconds: (Date.now() - started) / 1000, processedPerSecond: (processed(last) - processed(first)) / Math.max(1, (last.t - first.t) / 1000) };
}

/** Accepted sends per second (first to last acceptance), and the campaign's start to its last acceptance. */
async function sendRate(query: Query, campaignId: string) {
  const [t] = await query<{ first: number; last: number; started: number; sent: number }>(
    `select (extract(epoch from min(r.sent_at)) * 1000)::float8 as first, (extract(epoch from max(r.sent_at)) * 1000)::float8 as last,
            (extract(epoch from c.started_at) * 1000)::float8 as started, count(r.sent_at)::int as sent
     from campaign_recipients r join campaigns c on c.id = r.campaign_id where r.campaign_id = $1 group by c.started_at`,
    [campaignId],
  );
  if (!t) return { overall: 0, lastAt: 0, campaignSeconds: Number.NaN, perSecond: 'n/a' };
  const span = (t.last - t.first) / 1000;
  // Accepted sends in each whole second between the first and the last (steadiness of the pace).
  const seconds = await query<{ n: number }>(
    `select count(*)::int as n from campaign_recipients where campaign_id = $1 and sent_at is not null
     group by date_trunc('second', sent_at) order by date_trunc('second', sent_at)`,
    [campaignId],
  );
  const inner = seconds.slice(1, -1).map((s) => s.n).sort((x, y) => x - y);
  const at = (p: number) => inner[Math.min(inner.length - 1, Math.floor(p * inner.length))] ?? 0;
  // The slow seconds (under 90 % of the median), by their place in the run: where sending stalled.
  const slow = seconds.slice(1, -1).map((s, i) => ({ t: i + 1, n: s.n })).filter((s) => s.n < 0.9 * at(0.5));
  const perSecond = inner.length
    ? `min ${inner[0]}, p10 ${at(0.1)}, p50 ${at(0.5)}, p90 ${at(0.9)}, max ${inner.at(-1)}; slow: ${slow.length ? slow.slice(0, 12).map((s) => `${s.t}s=${s.n}`).join(' ') : 'none'}`
    : 'n/a';
  console.log(`    ${campaignId}: ${t.sent} accepted in ${round(span, 1)} s (${round(t.sent / span)} msg/s); ${round((t.last - t.started) / 1000, 1)} s from the start`);
  return { overall: t.sent / span, lastAt: t.last, campaignSeconds: (t.last - t.started) / 1000, perSecond };
}

/**
 * How long after the emulator emitted each "read" status the recipient row showed it, for a sample
 * spread evenly over the campaign's sends: the emulator's own status time (`/_emulator/outbox`)
 * against the row's `updated_at`. Recipients not read yet are left out (see `b_read_by_end`).
 */
async function stateLag(query: Query, emulatorUrl: string, phoneNumberId: string, campaignId: string) {
  const rows = await query<{ phone: string; wamid: string; updated: number }>(
    `select r.phone, m.provider_message_id as wamid, (extract(epoch from r.updated_at) * 1000)::float8 as updated
     from campaign_recipients r join messages m on m.id = r.message_id
     where r.campaign_id = $1 and r.status = 'read' order by r.sent_at`,
    [campaignId],
  );
  const step = Math.max(1, rows.length / LAG_SAMPLE);
  const picked = Array.from({ length: Math.min(LAG_SAMPLE, rows.length) }, (_, i) => rows[Math.floor(i * step)]!);
  const lags: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < picked.length) {
        const r = picked[next++]!;
        const res = await fetch(`${emulatorUrl}/_emulator/outbox?phoneNumberId=${phoneNumberId}&to=${encodeURIComponent(r.phone)}`, {
          signal: AbortSignal.timeout(30_000),
        }).catch(() => null);
        if (!res?.ok) continue;
        const { data } = (await res.json()) as { data: { id: string; statuses: { status: string; at: string }[] }[] };
        const read = data.find((m) => m.id === r.wamid)?.statuses.find((s) => s.status === 'read');
        if (read) lags.push((r.updated - Date.parse(read.at)) / 1000);
      }
    }),
  );
  lags.sort((x, y) => x - y);
  const pct = (p: number) => (lags.length ? lags[Math.min(lags.length - 1, Math.floor(p * lags.length))]! : Number.NaN);
  return { asked: picked.length, measured: lags.length, p50: pct(0.5), p95: pct(0.95), p99: pct(0.99) };
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

async function setUp(container: Container, emulatorUrl: string, recipients: number) {
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
    from generate_series(1, ${recipients}) as g`);
  return { ...ids, apiKey: key, channelId: channel.id, templateId, components };
}

/**
 * CPU seconds (user + system) used so far by Charla, the emulator and the PostgreSQL server processes
 * on this machine (Linux `/proc`; zeros elsewhere): where B's two cores go.
 */
function cpuSeconds(charlaPids: (number | undefined)[], emulatorPid: number | undefined): CpuReading {
  const tick = 100; // USER_HZ on Linux
  const of = (pid: number | string | undefined): { comm: string; seconds: number } | null => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { comm, seconds: (Number(fields[11]) + Number(fields[12])) / tick };
    } catch {
      return null;
    }
  };
  let postgres = 0;
  try {
    for (const pid of fs.readdirSync('/proc')) if (/^\d+$/.test(pid)) {
      const p = of(pid);
      if (p?.comm === 'postgres') postgres += p.seconds;
    }
  } catch {
    // not Linux
  }
  return { charla: charlaPids.filter((pid) => pid !== undefined).map((pid) => of(pid)?.seconds ?? 0), emulator: of(emulatorPid)?.seconds ?? 0, postgres };
}

/** CPU seconds per process: Charla's (one, or the api and the worker), the emulator's, PostgreSQL's backends' together. */
interface CpuReading {
  charla: number[];
  emulator: number;
  postgres: number;
}

/** The CPU seconds spent between two readings, per process, in words. */
function cpuSpent(before: CpuReading, after: CpuReading, seconds: number): string {
  const charla = after.charla.map((c, i) => c - (before.charla[i] ?? 0));
  const total = charla.reduce((sum, c) => sum + c, 0);
  const parts = charla.length > 1 ? ` (api ${round(charla[0]!, 1)} + worker ${round(charla[1]!, 1)})` : '';
  return `Charla ${round(total, 1)}${parts}, emulator ${round(after.emulator - before.emulator, 1)}, PostgreSQL ${round(after.postgres - before.postgres, 1)} (over ${round(seconds)} s)`;
}

/** Starts a Charla command; its log (warnings and errors) goes to `logFile` when given. */
function spawnTs(args: string[], env: Record<string, string>, logFile?: string): ChildProcess {
  // Only the database given here: a DATABASE_URL in the bench's own environment must not leak into a PGlite run.
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...inherited, ...env }, stdio: ['ignore', out, 'inherit'] });
  if (typeof out === 'number') fs.closeSync(out);
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

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
