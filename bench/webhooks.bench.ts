import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { sql } from 'drizzle-orm';
import { verifyWebhookSignature } from '../src/adapters/whatsapp-cloud/index.ts';
import { load, QUICK, round } from './support/load.ts';
import { createThrowawayDatabase, dropDatabase, listen, redact, startCharla, withDatabase } from './support/servers.ts';

/**
 * Signed WhatsApp webhook ingest (issue 3): requests per second and p99 acknowledgement latency for a
 * realistic mix — one inbound message to three statuses, every body distinct and correctly signed — on
 * PostgreSQL (and PGlite), as a ratio to a bare Fastify route that reads the raw body and checks the same
 * signature without storing anything (the framework's own limit, measured in the same run). Afterwards
 * the stored deliveries are counted: every acknowledged webhook must be in the database.
 */
export const name = 'webhooks';

const APP_SECRET = 'bench-app-secret-0123456789abcdef';
const PHONE_NUMBER_ID = '109876543210987';
const TARGETS = { postgresRps: 3000, p99Ms: 50 };

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
    for (const target of targets) {
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
      } finally {
        await charla.close();
      }
    }
  } finally {
    await bare.close();
    await dropDatabase(adminUrl, database).catch(() => {});
    fs.rmSync(path.dirname(bodiesFile), { recursive: true, force: true });
  }
  const pgRps = figures.postgres_rps;
  const pgP99 = figures.postgres_p99_ms;
  figures.target = `>= ${TARGETS.postgresRps} webhooks/s durably stored on PostgreSQL, p99 ack < ${TARGETS.p99Ms} ms`;
  figures.verdict =
    typeof pgRps === 'number' && typeof pgP99 === 'number'
      ? pgRps >= TARGETS.postgresRps && pgP99 < TARGETS.p99Ms && !problems.length
        ? 'met'
        : 'MISSED'
      : 'n/a';
  if (problems.length) figures.problems = problems.join('; ');
  for (const p of problems) console.log(`  ! ${p}`);
  console.log(`  PostgreSQL ${pgRps ?? 'n/a'} webhooks/s, p99 ${pgP99 ?? 'n/a'} ms (target ${figures.target}: ${figures.verdict})`);
  return figures;
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
