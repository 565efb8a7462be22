import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../emulator/server.ts';
import { ensureDead, type Spawned, spawnTs } from '../../../test/support/processes.ts';
import { pgTemplateName, withDatabase } from '../../../test/support/template.ts';
import { loadConfig } from '../../config/config.ts';
import { type Container, createContainer } from '../../container.ts';
import { messageTemplates } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { createChannel } from '../channels/channels.service.ts';
import { createApiKey } from '../identity/api-keys.service.ts';
import { createOrganizationWithOwner } from '../identity/auth.service.ts';
import { toMetaComponents } from '../templates/index.ts';
import { promoDraft, promoVariables, seedContacts, seededPhone } from './tests/campaign-fixtures.ts';
import { freePort } from '../../../test/support/ports.ts';

/**
 * A 10,000-recipient campaign against the emulator, with invalid numbers (131026), window errors
 * (131047), throttling (130429) and 5xx answers injected, while the whole Charla process (API,
 * webhooks and worker) is killed with SIGKILL twice mid-send and started again. Every recipient must
 * end in the right state, and the emulator must have received exactly one message per recipient.
 */
// 10,000 on PostgreSQL. The embedded database processes status webhooks one connection at a time
// (≈ 50/s on two cores), so there the same scenario runs with 2,500 recipients to finish in minutes.
const RECIPIENTS = Number(process.env.CRASH_TEST_RECIPIENTS ?? (process.env.TEST_DATABASE_URL ? 10_000 : 2_500));
const PREFIX = '3470';
const SECRET = 'crash-test-master-key-0123456789abcdef0123';
const INVALID = 50;
const WINDOW = 30;
const FIVE_XX = 20;

const spawned: Spawned[] = [];
let emulator: RunningEmulator | undefined;
afterAll(async () => {
  await Promise.all(spawned.splice(0).map(ensureDead));
  await emulator?.close();
});

async function freshTarget(): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-crash-'));
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return { env: { CHARLA_DATA_DIR: dataDir }, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  const name = `charla_crash_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(pgTemplateName())}`);
  await admin.end();
  return {
    env: { CHARLA_DATA_DIR: dataDir, DATABASE_URL: withDatabase(serverUrl, name), DATABASE_POOL_SIZE: '20' },
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
      await c.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Organization, API key, channel on the emulator, an approved template and the contacts. */
async function setUp(container: Container, emulatorUrl: string) {
  const ids = { phoneNumberId: '1099887766001', wabaId: '2099887766001', accessToken: 'EAAG-crash-test-token', appSecret: 'crash-app-secret-01' };
  const org = await createOrganizationWithOwner(
    container,
    { organizationName: 'Crash', ownerName: 'Owner', email: 'crash@example.test', password: 'correct horse battery', language: 'es', firstRunOnly: false },
    { ip: null, userAgent: null },
  );
  const { key } = await createApiKey(container.database.db, org.organizationId, 'crash', { userId: org.userId, label: 'crash' });
  const channel = await createChannel(
    container,
    org.organizationId,
    { type: 'whatsapp', name: 'Crash', appId: '1', graphApiUrl: emulatorUrl, throughputMps: 400, ...ids },
    { label: 'test' },
  );
  const draft = promoDraft('promo_crash');
  const components = toMetaComponents({
    header: { format: 'text', text: draft.header.text, examples: draft.header.examples },
    body: draft.body,
    footer: draft.footer,
    buttons: [
      { type: 'quick_reply', text: 'Me interesa' },
      { type: 'url', text: 'Ver oferta', url: 'https://tienda.example/o/{{1}}', example: 'verano' },
    ],
  });
  const templateId = newId();
  await container.database.db.insert(messageTemplates).values({
    id: templateId,
    organizationId: org.organizationId,
    channelId: channel.id,
    name: 'promo_crash',
    language: 'es',
    category: 'marketing',
    status: 'approved',
    components,
    metaTemplateId: '777000111',
  });
  await seedContacts({ container } as never, org.organizationId, RECIPIENTS, { prefix: PREFIX, consent: 'granted' });
  return { ...ids, organizationId: org.organizationId, apiKey: key, channelId: channel.id, templateId, components };
}

describe('a 10,000-recipient campaign survives two SIGKILLs', () => {
  it('ends every recipient in the right state with exactly one message each', async () => {
    emulator = await startEmulator({
      port: 0,
      config: {
        throughputMps: 400,
        autoRead: false,
        statusDelaysMs: { sent: 50, delivered: 300, read: 1000, played: 1000 },
        webhookRetry: { baseMs: 200, factor: 1.3, maxAttempts: 50, timeoutMs: 10_000 },
        maxMessages: 100_000,
      },
    });
    const target = await freshTarget();
    const env = { ...target.env, CHARLA_SECRET_KEY: SECRET, LOG_LEVEL: 'warn', CHARLA_JOB_CONCURRENCY: '16', CHARLA_CAMPAIGN_IN_DOUBT_GRACE_S: '60', CHARLA_API_RATE_LIMIT: '100000' };
    try {
      const setupContainer = await createContainer(loadConfig(env));
      const w = await setUp(setupContainer, emulator.url);
      await setupContainer.close();

      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const startCharla = async () => {
        const p = spawnTs('src/main.ts', ['start', '--port', String(port)], { ...env, PUBLIC_URL: base, FORCE_COLOR: '0' });
        spawned.push(p);
        const started = Date.now();
        for (;;) {
          const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
          if (ok) return p;
          if (Date.now() - started > 120_000) throw new Error(`Charla did not start:\n${p.stderr.join('')}\n${p.stdout.join('\n')}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      };
      const control = (method: string, p: string, body?: unknown) =>
        fetch(`${emulator!.url}${p}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
      const registered = await control('POST', '/_emulator/phone-numbers', {
        phoneNumberId: w.phoneNumberId,
        wabaId: w.wabaId,
        accessToken: w.accessToken,
        appSecret: w.appSecret,
        webhookUrl: `${base}/webhooks/whatsapp/${w.channelId}`,
      });
      expect(registered.status).toBe(201);
      await control('POST', '/_emulator/templates', { wabaId: w.wabaId, name: 'promo_crash', language: 'es', category: 'MARKETING', components: w.components, status: 'APPROVED' });
      let charla = await startCharla();
      for (let n = 1; n <= INVALID; n++) await control('POST', '/_emulator/failures', { to: seededPhone(PREFIX, n), code: 131026, times: 1 });
      for (let n = INVALID + 1; n <= INVALID + WINDOW; n++) await control('POST', '/_emulator/failures', { to: seededPhone(PREFIX, n), code: 131047, times: 1 });
      for (let n = INVALID + WINDOW + 1; n <= INVALID + WINDOW + FIVE_XX; n++) await control('POST', '/_emulator/failures', { to: seededPhone(PREFIX, n), httpStatus: 500, times: 1 });
      await control('POST', '/_emulator/failures', { code: 130429, times: 150 });

      const api = async (method: string, p: string, body?: unknown) => {
        const res = await fetch(`${base}${p}`, {
          method,
          headers: { authorization: `Bearer ${w.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      const created = await api('POST', '/api/v1/campaigns', { name: 'Diez mil', templateId: w.templateId, variables: promoVariables, audience: { kind: 'all' }, action: 'send' });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const campaignId = String(created.body.id);

      const sent = () => [...emulator!.state.outbound.values()].filter((m) => m.phoneNumberId === w.phoneNumberId).length;
      const waitForSent = async (n: number) => {
        while (sent() < n) await new Promise((resolve) => setTimeout(resolve, 20));
      };
      const progress = setInterval(() => {
        void api('GET', `/api/v1/campaigns/${campaignId}`).then(
          (c) => console.log(`[crash test] emulator accepted ${sent()}; campaign ${c.body.status} ${JSON.stringify(c.body.pauseReason)} ${JSON.stringify(c.body.stats)}`),
          () => console.log(`[crash test] emulator accepted ${sent()}; Charla unreachable`),
        );
      }, 5_000);
      for (const killAt of [Math.round(RECIPIENTS / 4), Math.round(RECIPIENTS * 0.6)]) {
        await waitForSent(killAt);
        charla.child.kill('SIGKILL');
        expect(await charla.exited).toBe('SIGKILL');
        console.log(`[crash test] killed Charla with SIGKILL after ${sent()} messages were accepted`);
        charla = await startCharla();
      }

      let stats: Record<string, number> = {};
      const deadline = Date.now() + 420_000;
      for (;;) {
        // A busy embedded database can keep the server from answering for a moment: just ask again.
        const c = await api('GET', `/api/v1/campaigns/${campaignId}`).catch(() => ({ status: 0, body: { status: 'unreachable', stats: {} } as Record<string, unknown> }));
        stats = c.body.stats as Record<string, number>;
        if (c.body.status === 'finished' && (stats.delivered ?? 0) + (stats.failed ?? 0) === RECIPIENTS) break;
        if (Date.now() > deadline) throw new Error(`campaign did not settle: ${JSON.stringify(c.body.status)} ${JSON.stringify(stats)}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      clearInterval(progress);
      expect(stats).toMatchObject({ total: RECIPIENTS, delivered: RECIPIENTS - INVALID - WINDOW, failed: INVALID + WINDOW, pending: 0, skipped: 0 });

      // The emulator received exactly one accepted message per recipient.
      const perRecipient = new Map<string, string[]>();
      for (const m of emulator.state.outbound.values()) if (m.phoneNumberId === w.phoneNumberId) perRecipient.set(m.to, [...(perRecipient.get(m.to) ?? []), m.status]);
      expect(perRecipient.size).toBe(RECIPIENTS);
      const duplicates = [...perRecipient.entries()].filter(([, s]) => s.length !== 1);
      expect(duplicates).toEqual([]);

      charla.child.kill('SIGTERM');
      await charla.exited;
      const check = await createContainer(loadConfig(env), { migrate: false });
      try {
        const rows = await check.database.rows<{ status: string; error_code: string | null; n: number; max_attempts: number }>(
          sql`select status, error_code, count(*)::int as n, max(attempts)::int as max_attempts from campaign_recipients group by status, error_code order by status, error_code`,
        );
        expect(rows).toEqual([
          { status: 'delivered', error_code: null, n: RECIPIENTS - INVALID - WINDOW, max_attempts: 1 },
          { status: 'failed', error_code: '131026', n: INVALID, max_attempts: 1 },
          { status: 'failed', error_code: '131047', n: WINDOW, max_attempts: 1 },
        ]);
        const [messages] = await check.database.rows<{ n: number; with_id: number }>(
          sql`select count(*)::int as n, count(provider_message_id)::int as with_id from messages where direction = 'out'`,
        );
        expect(messages).toEqual({ n: RECIPIENTS, with_id: RECIPIENTS });
      } finally {
        await check.close();
      }
    } finally {
      await Promise.all(spawned.splice(0).map(ensureDead));
      await target.drop();
    }
  }, 600_000);
});
