import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/server.ts';
import { type FakeOpenAIServer, fakeSpeech, startFakeOpenAIServer } from '../fakes/openai-server.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser.ts';
import { json } from '../support/context.ts';
import { call } from '../support/factories.ts';
import { FAST_EMULATOR } from '../support/whatsapp.ts';

const API_KEY = 'sk-browser-voice-0123456789';
let h: BrowserHarness;
let emulator: RunningEmulator;
let fake: FakeOpenAIServer;

beforeAll(async () => {
  h = await startBrowserHarness();
  emulator = await startEmulator({ port: 0, config: FAST_EMULATOR });
  fake = await startFakeOpenAIServer({ apiKey: API_KEY });
}, 180_000);
// Charla first, then the emulator and the fake model server. The other way round, closing the emulator
// aborted the status webhooks it was delivering to Charla at that moment (the spoken reply's statuses
// keep coming after the test has seen what it waits for): the aborted deliveries could leave this
// process's fetch holding connections to Charla that never carried a request, which Charla's server
// does not close as idle, so its close — and this hook — waited about 70 s for them.
afterAll(async () => {
  await h?.close();
  await emulator?.close();
  await fake?.close();
});

it('an agent reads the transcript of a customer’s voice note and of the assistant’s spoken answer', async () => {
  const { org, page } = await h.signedInOwner({ language: 'es' });
  const settings = await call(h.ctx, org.owner, 'PUT', '/api/v1/assistant/settings', {
    enabled: true,
    provider: 'openai',
    apiKey: API_KEY,
    baseUrl: fake.baseUrl,
    model: 'gpt-4o-mini',
    transcribeAudio: true,
    audioReplies: true,
    voice: 'nova',
  });
  expect(settings.statusCode, settings.body).toBe(200);
  fake.scriptChat([{ text: 'Sí, enviamos a Monterrey en 2 días.' }]);

  const created = await call(h.ctx, org.owner, 'POST', '/api/v1/channels', {
    type: 'whatsapp',
    name: 'Aurora WhatsApp',
    phoneNumberId: '106540352249001',
    wabaId: '102290129349001',
    accessToken: 'EAAG-browser-voice-token-0001',
    appSecret: 'browser-voice-app-secret',
    graphApiUrl: emulator.url,
  });
  expect(created.statusCode, created.body).toBe(201);
  const channel = json<{ webhookUrl: string; verifyToken: string }>(created);
  const control = (path: string, body: unknown) => fetch(`${emulator.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const registered = await control('/_emulator/phone-numbers', {
    phoneNumberId: '106540352249001',
    wabaId: '102290129349001',
    accessToken: 'EAAG-browser-voice-token-0001',
    appSecret: 'browser-voice-app-secret',
    webhookUrl: channel.webhookUrl,
    verifyToken: channel.verifyToken,
    verifiedName: 'Aurora',
  });
  expect(registered.status).toBe(201);

  // The customer records a voice note.
  const inbound = await control('/_emulator/inbound', {
    phoneNumberId: '106540352249001',
    from: '+5215512345678',
    name: 'Mariana López',
    type: 'audio',
    media: { mimeType: 'audio/ogg; codecs=opus', data: fakeSpeech('¿Hacen envíos a Monterrey?').toString('base64'), voice: true },
  });
  expect(inbound.status).toBe(200);

  await page.goto(h.url('/inbox'));
  await page.getByRole('navigation', { name: 'Chats' }).getByText('Mariana López').click();
  const log = page.getByRole('log');
  await log.getByText('Sí, enviamos a Monterrey en 2 días.').first().waitFor({ timeout: 45_000 });
  const transcripts = log.getByTestId('transcript');
  await transcripts.filter({ hasText: 'Transcripción (IA)' }).getByText('“¿Hacen envíos a Monterrey?”').waitFor({ timeout: 45_000 });
  await transcripts.filter({ hasText: 'Dicho por el asistente' }).getByText('“Sí, enviamos a Monterrey en 2 días.”').waitFor({ timeout: 45_000 });
  expect(await log.locator('audio').count()).toBe(2);
  await h.screenshot(page, 'inbox-voice-notes');
}, 180_000);
