import { and, eq, isNull, sql } from 'drizzle-orm';
import type { RunningEmulator } from '../../../emulator/server.ts';
import type { Deps } from '../../container.ts';
import { type Channel, channels } from '../../db/schema/index.ts';
import { restoreEmulatorTemplates } from '../templates/emulator-templates.ts';
import { openSecrets, whatsAppConfigOf } from './channel-credentials.ts';

/** Where the demo's WhatsApp channels find the bundled emulator (its default port). */
export const DEMO_EMULATOR_PORT = 4010;
/** The Graph API URL of demo channels. */
export const DEMO_EMULATOR_URL = `http://127.0.0.1:${DEMO_EMULATOR_PORT}`;

let running: RunningEmulator | null = null;
let server: { deps: Deps; webhookBase: string } | null = null;

/**
 * Called by `charla start` once the API listens: when any WhatsApp channel points at the demo
 * emulator URL, the emulator is started in this process and every such number is registered with it
 * (the emulator keeps nothing across restarts). Later demo seeds in this process start it on demand.
 * A port already taken (another Charla process runs it) is logged, not fatal.
 */
export async function startDemoEmulator(deps: Deps, webhookBase: string): Promise<void> {
  server = { deps, webhookBase };
  const demoChannels = await deps.database.db
    .select()
    .from(channels)
    .where(and(eq(channels.type, 'whatsapp'), isNull(channels.deletedAt), sql`${channels.config}->>'graphApiUrl' = ${DEMO_EMULATOR_URL}`));
  if (demoChannels.length === 0) return;
  if (!(await ensureRunning(deps))) return;
  for (const channel of demoChannels) {
    // The emulator forgets templates on restart: write the demo channel's templates back (templates module).
    if (await registerDemoChannel(deps, channel)) await restoreEmulatorTemplates(deps, channel);
  }
}

/** Stops the in-process emulator (on shutdown). */
export async function stopDemoEmulator(): Promise<void> {
  const r = running;
  running = null;
  server = null;
  await r?.close();
}

/**
 * Registers a demo WhatsApp channel with the emulator at {@link DEMO_EMULATOR_URL}: the one in this
 * process (started if this is a server) or one run by another process. Best effort: when no
 * emulator is reachable the next `charla start` registers it.
 */
export async function registerDemoChannel(deps: Pick<Deps, 'config' | 'secrets' | 'logger'> & Partial<Deps>, channel: Channel): Promise<boolean> {
  if (server && !running) await ensureRunning(server.deps);
  const secrets = openSecrets(deps.secrets, channel);
  const config = whatsAppConfigOf(channel);
  const webhookBase = server?.webhookBase ?? `http://127.0.0.1:${deps.config.port}`;
  try {
    const res = await fetch(`${DEMO_EMULATOR_URL}/_emulator/phone-numbers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        phoneNumberId: channel.phoneNumberId,
        wabaId: config.wabaId,
        accessToken: secrets.accessToken,
        appSecret: secrets.appSecret,
        webhookUrl: `${webhookBase}/webhooks/whatsapp/${channel.id}`,
        displayPhoneNumber: config.displayPhoneNumber ?? undefined,
        verifiedName: config.verifiedName ?? channel.name,
      }),
      signal: AbortSignal.timeout(3_000),
    });
    if (!res.ok) deps.logger.warn({ status: res.status, body: await res.text() }, 'the emulator refused a demo number');
    return res.ok;
  } catch {
    deps.logger.info({ channelId: channel.id }, 'no WhatsApp emulator reachable yet; the demo number is registered at the next start');
    return false;
  }
}

async function ensureRunning(deps: Deps): Promise<boolean> {
  if (running) return true;
  try {
    // Loaded lazily: only demo installations need the emulator in the server process.
    const { startEmulator } = await import('../../../emulator/server.ts');
    running = await startEmulator({ port: DEMO_EMULATOR_PORT, logger: deps.logger.child({ service: 'charla-emulator' }) });
    deps.logger.info({ url: running.url }, 'WhatsApp emulator started for the demo (phone page at its URL)');
    return true;
  } catch (err) {
    deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, `could not start the WhatsApp emulator on port ${DEMO_EMULATOR_PORT}`);
    return false;
  }
}
