import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { sql } from 'drizzle-orm';
import { verifyWebhookSignature } from '../src/adapters/whatsapp-cloud/index.ts';
import { JobRunner } from '../src/jobs/pg-queue.ts';
import { load, QUICK, round, runChildScript } from './support/load.ts';
import { createThrowawayDatabase, dropDatabase, listen, redact, startCharla, withDatabase } from './support/servers.ts';

/**
 * Signed WhatsApp webhook ingest (issue 3): requests per second and p99 acknowledgement latency for a
 * realistic mix — one inbound message to three statuses, every body distinct and correctly signed — on
 * PostgreSQL (and PGlite), as a ratio to a bare Fastify route that reads the raw body and checks the same
 * signature without storing anything (the framework's own limit, measured in the same run). Afterwards
 * the stored deliveries are counted: every acknowledged webhook must be in the database. Then a job
 * runner (as in the `all` role) works the backlog for a while: how many deliveries per second the
 * processing side gets through. Last, on a fresh database with the runner on: inbound messages at a
 * steady 300/s while a dashboard's event stream (`GET /api/v1/events`) is open — the time from
 * posting a message's webhook to its `message.created` event arriving on the stream (p50/p95).
 * `BENCH_TARGETS=postgres` (or `pglite`) measures only those databases.
 */
export const name = 'webhooks';

const APP_SECRET = 'bench-app-secret-0123456789abcdef';
const PHONE_NUMBER_ID = '109876543210987';
const TARGETS = { postgresRps: 3000, p99Ms: 50, visibleRate: 300, visibleP95Ms: 500 };

/** Runs the suite and returns its figures. */
export async function run(): Promise<Record<string, number | string>> {
  const seconds = QUICK ? 3 : 10;
  const figures: Record<string, number | string> = {};
  const problems: string[] = [];
  const bodiesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'charla-bench-wh-')), 'bodies.json');
  fs.writeFileSync(bodiesFile, JSON.stringify(signedMix(QUICK ? 20_000 : 80_000)));

  const bare = Fastify({ logger: false });
  bare.removeAllContentTypeParsers();
  bare.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 4 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  bare.post('/webhooks/whatsapp/:id', async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyWebhookSignature(raw, req.headers['x-hub-signature-256'], APP_SECRET)) return reply.status(401).send();
    return reply.type('text/plain').send('EVENT_RECEIVED');
  });
  const bareUrl = await listen(bare);
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `charla_bench_wh_${process.pid}`;
  try {
    console.log(`  signed webhooks (1 message : 3 statuses), 50 connections, ${seconds} s each:`);
    const bareRun = await load({ url: `${bareUrl}/webhooks/whatsapp/x`, durationSeconds: seconds, postBodiesFile: bodiesFile });
    console.log(`  bare       ${Math.round(bareRun.rps)} req/s   p99 ${bareRun.p99} ms`);
    figures.bare_rps = Math.round(bareRun.rps);
    figures.bare_p99_ms = bareRun.p99;

    const targets: { label: string; database: { kind: 'pglite' } | { kind: 'postgres'; url: string } }[] = [{ label: 'pglite', database: { kind: 'pglite' } }];
    if (await createThrowawayDatabase(adminUrl, database)) {
      targets.unshift({ label: 'postgres', database: { kind: 'postgres', url: withDatabase(adminUrl, database) } });
    } else {
      problems.push(`PostgreSQL at ${redact(adminUrl)} is not reachable: its figures are missing`);
    }
    // BENCH_TARGETS=postgres (or pglite) measures only those databases.
    const only = (process.env.BENCH_TARGETS ?? '').split(',').map((t) => t.trim()).filter(Boolean);
    // BENCH_WEBHOOKS_VISIBILITY_ONLY=1 skips the ingest and processing phases (to study visibility alone).
    const visibilityOnly = process.env.BENCH_WEBHOOKS_VISIBILITY_ONLY === '1';
    for (const target of targets) {
      if (only.length && !only.includes(target.label)) continue;
      if (!visibilityOnly) {
        const charla = await startCharla(target.database);
        try {
          const channelId = await createChannel(charla.url, charla.headers);
          const r = await load({ url: `${charla.url}/webhooks/whatsapp/${channelId}`, durationSeconds: seconds, postBodiesFile: bodiesFile });
          const acknowledged = r.total - r.non2xx;
          const [stored] = await charla.container.database.rows<{ n: string }>(
            sql`select coalesce(sum(received_count), 0)::text as n from webhook_events where channel_id = ${channelId}`,
          );
          const storedCount = Number(stored?.n ?? 0);
          console.log(
            `  ${target.label.padEnd(10)} ${Math.round(r.rps)} req/s   p99 ${r.p99} ms   acknowledged ${acknowledged}, stored ${storedCount}` +
              (r.non2xx || r.errors ? `   (${r.non2xx} non-2xx, ${r.errors} errors)` : ''),
          );
          if (storedCount < acknowledged) problems.push(`${target.label}: ${acknowledged - storedCount} acknowledged webhooks were not stored`);
          Object.assign(figures, {
            [`${target.label}_rps`]: Math.round(r.rps),
            [`${target.label}_p99_ms`]: r.p99,
            [`${target.label}_vs_bare`]: round(r.rps / Math.max(bareRun.rps, 1), 3),
            [`${target.label}_acknowledged`]: acknowledged,
            [`${target.label}_stored`]: storedCount,
            [`${target.label}_errors`]: r.non2xx + r.errors,
          });

          // The processing side (PostgreSQL: on PGlite the runner and the measurement share one
          // in-process database session, so a fixed-time window cannot be measured): a runner works the
          // backlog the ingest left.
          if (target.database.kind === 'postgres') {
            const drained = await processFor(charla.container, channelId, seconds);
            console.log(`  ${''.padEnd(10)} processing: ${Math.round(drained.rate)} deliveries/s (${drained.processed} in ${round(drained.seconds, 1)} s, ${drained.left} left)`);
            Object.assign(figures, {
              [`${target.label}_processed_per_s`]: Math.round(drained.rate),
              [`${target.label}_processed_vs_ingest`]: round(drained.rate / Math.max(r.rps, 1), 3),
            });
          }
        } finally {
          await charla.close();
        }
      }

      // Dashboard visibility, on a fresh database (the backlog above would otherwise be in front).
      const freshDb = `${database}_sse`;
      const fresh =
        target.database.kind === 'postgres'
          ? (await createThrowawayDatabase(adminUrl, freshDb))
            ? ({ kind: 'postgres', url: withDatabase(adminUrl, freshDb) } as const)
            : undefined
          : target.database;
      if (!fresh) continue;
      const live = await startCharla(fresh);
      const runner = new JobRunner(live.container.database, live.container.logger, { concurrency: live.container.config.jobConcurrency });
      live.container.registerJobs(runner);
      try {
        const channelId = await createChannel(live.url, live.headers);
        await runner.start();
        const v = await visibility({
          webhookUrl: `${live.url}/webhooks/whatsapp/${channelId}`,
          eventsUrl: `${live.url}/api/v1/events`,
          headers: live.headers,
          rate: TARGETS.visibleRate,
          durationSeconds: seconds,
        });
        console.log(
          `  ${''.padEnd(10)} visible in the dashboard stream at ${TARGETS.visibleRate} messages/s: p50 ${v.p50} ms, p95 ${v.p95} ms, p99 ${v.p99} ms` +
            `   (${v.seen}/${v.sent} seen${v.non2xx || v.errors ? `, ${v.non2xx} non-2xx, ${v.errors} errors` : ''})`,
        );
        if (v.seen < v.sent) problems.push(`${target.label}: ${v.sent - v.seen} of ${v.sent} inbound messages never reached the dashboard stream`);
        Object.assign(figures, {
          [`${target.label}_visible_p50_ms`]: v.p50,
          [`${target.label}_visible_p95_ms`]: v.p95,
          [`${target.label}_visible_p99_ms`]: v.p99,
          [`${target.label}_visible_seen`]: `${v.seen}/${v.sent}`,
        });
      } finally {
        await runner.stop(5_000);
        await live.close();
        if (target.database.kind === 'postgres') await dropDatabase(adminUrl, freshDb).catch(() => {});
      }
    }
  } finally {
    await bare.close();
    await dropDatabase(adminUrl, database).catch(() => {});
    fs.rmSync(path.dirname(bodiesFile), { recursive: true, force: true });
  }
  const pgRps = figures.postgres_rps;
  const pgP99 = figures.postgres_p99_ms;
  const pgVisible = figures.postgres_visible_p95_ms;
  figures.target =
    `>= ${TARGETS.postgresRps} webhooks/s durably stored on PostgreSQL, p99 ack < ${TARGETS.p99Ms} ms; ` +
    `inbound message visible in the dashboard stream p95 < ${TARGETS.visibleP95Ms} ms at ${TARGETS.visibleRate} messages/s`;
  figures.verdict =
    typeof pgRps === 'number' && typeof pgP99 === 'number' && pgVisible !== undefined
      ? pgRps >= TARGETS.postgresRps && pgP99 < TARGETS.p99Ms && typeof pgVisible === 'number' && pgVisible < TARGETS.visibleP95Ms && !problems.length
        ? 'met'
        : 'MISSED'
      : 'n/a';
  if (problems.length) figures.problems = problems.join('; ');
  for (const p of problems) console.log(`  ! ${p}`);
  console.log(
    `  PostgreSQL ${pgRps ?? 'n/a'} webhooks/s (${figures.postgres_vs_bare ?? 'n/a'} × bare), p99 ${pgP99 ?? 'n/a'} ms, ` +
      `visible p95 ${pgVisible ?? 'n/a'} ms (target ${figures.target}: ${figures.verdict})`,
  );
  return figures;
}

/** Runs the app's job handlers (as a worker would) for `seconds` and counts the deliveries processed. */
async function processFor(container: Awaited<ReturnType<typeof startCharla>>['container'], channelId: string, seconds: number) {
  const count = async (processed: boolean) => {
    const [row] = await container.database.rows<{ n: number }>(
      sql`select count(*)::int as n from webhook_events where channel_id = ${channelId} and (processed_at is not null) = ${processed}`,
    );
    return row?.n ?? 0;
  };
  const before = await count(true);
  const runner = new JobRunner(container.database, container.logger, { concurrency: container.config.jobConcurrency });
  container.registerJobs(runner);
  const started = performance.now();
  await runner.start();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const processed = (await count(true)) - before;
  const elapsed = (performance.now() - started) / 1000;
  await runner.stop(5_000);
  return { processed, seconds: elapsed, rate: processed / elapsed, left: await count(false) };
}

/** Figures of a visibility run. */
interface VisibilityResult {
  sent: number;
  seen: number;
  /** Milliseconds, or `">5000"` when the percentile falls on messages never seen within the wait. */
  p50: number | string;
  p95: number | string;
  p99: number | string;
  non2xx: number;
  errors: number;
}

// Plain CommonJS in a child process (like the load generator): it opens the dashboard's event stream,
// posts signed inbound-message webhooks at a steady rate, and times each from its POST to its
// `message.created` event on the stream — both clocks in the same process.
const VISIBILITY_SOURCE = `
const http = require('node:http');
const crypto = require('node:crypto');
const input = JSON.parse(process.argv[1]);
const WAIT_MS = 5000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const sentAt = new Map();
const latencies = [];
let sent = 0, non2xx = 0, errors = 0, started = false;
// Over every message sent: one never seen (within the wait) counts as slower than all, and a
// percentile that falls on those is reported as "> the wait".
const pct = (p) => { const s = [...latencies].sort((a, b) => a - b); const k = Math.max(0, Math.ceil((p / 100) * sent) - 1); return k < s.length ? Math.round(s[k] * 10) / 10 : '>' + WAIT_MS; };
const finish = () => {
  process.stdout.write(JSON.stringify({ sent, seen: latencies.length, p50: pct(50), p95: pct(95), p99: pct(99), non2xx, errors }));
  process.exit(0);
};
const post = (i) => {
  const customer = '5215598' + String(i % 500).padStart(6, '0');
  const wamid = 'wamid.VISIBLE' + input.runId + '.' + i;
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550001111', phone_number_id: input.phoneNumberId },
    contacts: [{ profile: { name: 'Cliente ' + (i % 500) }, wa_id: customer }],
    messages: [{ from: customer, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), text: { body: 'Hola ' + i }, type: 'text' }],
  };
  const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '209876543210987', changes: [{ value, field: 'messages' }] }] });
  const signature = 'sha256=' + crypto.createHmac('sha256', input.appSecret).update(body).digest('hex');
  sentAt.set(wamid, performance.now());
  sent++;
  const req = http.request(input.webhookUrl, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-hub-signature-256': signature } }, (res) => {
    if (res.statusCode < 200 || res.statusCode >= 300) non2xx++;
    res.resume();
  });
  req.on('error', () => { errors++; });
  req.end(body);
};
const run = () => {
  const t0 = performance.now();
  let i = 0;
  const total = input.rate * input.durationSeconds;
  const tick = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * input.rate));
    while (i < due) post(i++);
    if (i >= total) {
      clearInterval(tick);
      // Wait for the stragglers (at most WAIT_MS), then report.
      const deadline = performance.now() + WAIT_MS;
      const wait = setInterval(() => { if (latencies.length >= sent || performance.now() > deadline) { clearInterval(wait); finish(); } }, 50);
    }
  }, 5);
};
const events = http.request(input.eventsUrl, { headers: { ...input.headers, accept: 'text/event-stream' } }, (res) => {
  if (res.statusCode !== 200) { process.stdout.write(JSON.stringify({ error: 'event stream answered ' + res.statusCode })); process.exit(0); }
  res.setEncoding('utf8');
  let buffer = '';
  res.on('data', (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\\n\\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = '', data = '';
      for (const line of block.split('\\n')) {
        if (line.startsWith('event: ')) type = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (type === 'ready' && !started) { started = true; run(); }
      if (type !== 'message.created') continue;
      const wamid = JSON.parse(data).data?.providerMessageId;
      const at = sentAt.get(wamid);
      if (at !== undefined) { latencies.push(performance.now() - at); sentAt.delete(wamid); }
    }
  });
});
events.on('error', (err) => { process.stdout.write(JSON.stringify({ error: String(err) })); process.exit(0); });
events.end();
`;

/** Inbound messages at `rate`/s for `durationSeconds` while a dashboard stream is open (in a child process). */
async function visibility(options: { webhookUrl: string; eventsUrl: string; headers: Record<string, string>; rate: number; durationSeconds: number }): Promise<VisibilityResult> {
  const input = { ...options, appSecret: APP_SECRET, phoneNumberId: PHONE_NUMBER_ID, runId: process.pid };
  return runChildScript<VisibilityResult>(VISIBILITY_SOURCE, input, 'visibility client');
}

/** Connects a WhatsApp channel through the public API and returns its id. */
async function createChannel(url: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(`${url}/api/v1/channels`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'whatsapp',
      name: 'Bench number',
      phoneNumberId: PHONE_NUMBER_ID,
      wabaId: '209876543210987',
      accessToken: 'EAAGbenchAccessToken0123456789abcdef',
      appSecret: APP_SECRET,
      graphApiUrl: 'http://127.0.0.1:9',
    }),
  });
  if (res.status !== 201) throw new Error(`could not create the channel: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { id: string };
  return body.id;
}

/** `count` distinct notifications signed like Meta's: every fourth an inbound text, the rest statuses. */
function signedMix(count: number): { body: string; headers: Record<string, string> }[] {
  const out: { body: string; headers: Record<string, string> }[] = [];
  const metadata = { display_phone_number: '15550001111', phone_number_id: PHONE_NUMBER_ID };
  const statuses = ['sent', 'delivered', 'read'];
  for (let i = 0; i < count; i++) {
    const customer = `5215512${String(i % 100_000).padStart(6, '0')}`;
    const timestamp = String(1_790_000_000 + i);
    const value =
      i % 4 === 0
        ? {
            messaging_product: 'whatsapp',
            metadata,
            contacts: [{ profile: { name: `Cliente ${i}` }, wa_id: customer }],
            messages: [{ from: customer, id: `wamid.BENCHIN${i}`, timestamp, text: { body: `Hola, ¿dónde está mi pedido ${i}?` }, type: 'text' }],
          }
        : {
            messaging_product: 'whatsapp',
            metadata,
            statuses: [{ id: `wamid.BENCHOUT${Math.floor(i / 4)}`, status: statuses[(i % 4) - 1], timestamp, recipient_id: customer }],
          };
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '209876543210987', changes: [{ value, field: 'messages' }] }] });
    const signature = `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
    out.push({ body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } });
  }
  return out;
}
