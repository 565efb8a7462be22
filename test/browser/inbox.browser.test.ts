import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/server.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser.ts';
import { json } from '../support/context.ts';
import { call } from '../support/factories.ts';
import { FAST_EMULATOR } from '../support/whatsapp.ts';

let h: BrowserHarness;
let emulator: RunningEmulator;

beforeAll(async () => {
  h = await startBrowserHarness();
  emulator = await startEmulator({ port: 0, config: FAST_EMULATOR });
}, 180_000);
afterAll(async () => {
  await emulator?.close();
  await h?.close();
});

it('an agent answers a customer typing on the emulator’s phone page and in the web chat widget', async () => {
  const { org, page } = await h.signedInOwner({ language: 'en' });

  // Connect a WhatsApp number exactly as a person would, then let the emulator run Meta's handshake.
  const created = await call(h.ctx, org.owner, 'POST', '/api/v1/channels', {
    type: 'whatsapp',
    name: 'Aurora WhatsApp',
    phoneNumberId: '106540352242922',
    wabaId: '102290129340398',
    accessToken: 'EAAG-browser-test-token-0001',
    appSecret: 'browser-test-app-secret',
    graphApiUrl: emulator.url,
  });
  expect(created.statusCode, created.body).toBe(201);
  const channel = json<{ id: string; webhookUrl: string; verifyToken: string }>(created);
  const registered = await fetch(`${emulator.url}/_emulator/phone-numbers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      phoneNumberId: '106540352242922',
      wabaId: '102290129340398',
      accessToken: 'EAAG-browser-test-token-0001',
      appSecret: 'browser-test-app-secret',
      webhookUrl: channel.webhookUrl,
      verifyToken: channel.verifyToken,
      verifiedName: 'Aurora',
    }),
  });
  expect(registered.status).toBe(201);

  // The channels page shows it, verified by "Meta".
  await page.goto(h.url('/settings/channels'));
  await page.getByText('Aurora WhatsApp').waitFor();
  await page.getByText('Webhook verified by Meta').waitFor();
  await h.screenshot(page, 'channels');

  // The customer writes on the emulator's phone page.
  const phone = await (await h.newContext()).newPage();
  await phone.goto(emulator.url);
  await phone.locator('#phone').selectOption('106540352242922');
  await phone.locator('#customer').fill('+5511987650123');
  await phone.locator('#name').fill('Ana Souza');
  await phone.locator('#setup-form button[type=submit]').click();
  await phone.locator('#text').fill('Olá! Meu pedido #4471 já saiu?');
  await phone.locator('#send').click();

  // The agent sees it in the inbox, opens it and answers.
  await page.goto(h.url('/inbox'));
  await page.getByRole('navigation', { name: 'Chats' }).getByText('Ana Souza').click();
  await page.getByRole('log').getByText('Olá! Meu pedido #4471 já saiu?').waitFor();
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('Hi Ana! It shipped yesterday 🚚');
  await composer.press('Enter');
  await phone.locator('li.bubble.theirs', { hasText: 'Hi Ana! It shipped yesterday 🚚' }).waitFor({ timeout: 45_000 });
  // Delivery ticks reach "read" once the customer's phone shows it.
  await page.locator('[data-status="read"]').first().waitFor({ timeout: 45_000 });
  await h.screenshot(page, 'inbox-whatsapp');
  await h.screenshot(phone, 'emulator-phone');

  // A private note never reaches the customer.
  await page.getByRole('radiogroup', { name: 'Message or private note' }).getByText('Private note').click();
  const note = page.getByRole('textbox', { name: 'Private note' });
  await note.fill('VIP customer');
  await note.press('Enter');
  await page.getByRole('log').getByText('VIP customer').waitFor();

  // The web chat: a visitor on the channel's test page writes; the agent answers in the same inbox.
  const web = json<{ publicId: string }>(await call(h.ctx, org.owner, 'POST', '/api/v1/channels', { type: 'webchat', name: 'Website' }));
  const visitor = await (await h.newContext({ locale: 'es-ES' })).newPage();
  await visitor.goto(h.url(`/webchat/${web.publicId}/try`));
  await visitor.getByRole('button', { name: 'Abrir el chat' }).click();
  const widgetInput = visitor.getByRole('textbox', { name: 'Mensaje' });
  await widgetInput.fill('¿Hacen envíos a Monterrey?');
  await widgetInput.press('Enter');

  await page.goto(h.url('/inbox'));
  await page.getByRole('navigation', { name: 'Chats' }).getByText('Website visitor').first().click();
  await page.getByRole('log').getByText('¿Hacen envíos a Monterrey?').waitFor();
  const reply = page.getByRole('textbox', { name: 'Message' });
  await reply.fill('Sí, en 2 días 📦');
  await reply.press('Enter');
  await visitor.getByText('Sí, en 2 días 📦').waitFor({ timeout: 45_000 });
  await h.screenshot(page, 'inbox-webchat');
  await h.screenshot(visitor, 'webchat-widget');
}, 180_000);
