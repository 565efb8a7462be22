import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/server.ts';
import { jobs } from '../../src/db/schema/index.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser.ts';
import { json } from '../support/context.ts';
import { call, type TestOrg } from '../support/factories.ts';
import { eventually, FAST_EMULATOR } from '../support/whatsapp.ts';

let h: BrowserHarness;
let emulator: RunningEmulator;

beforeAll(async () => {
  h = await startBrowserHarness();
  emulator = await startEmulator({ port: 0, config: FAST_EMULATOR });
}, 180_000);
afterAll(async () => {
  // Charla first: its webhook deliveries from the emulator are not cut off while it is still serving.
  await h?.close();
  await emulator?.close();
});

const PHONE_NUMBER_ID = '106540352249001';

/** Connects a WhatsApp number on the emulator the way a person would (API + Meta's handshake). */
async function connectWhatsApp(org: TestOrg) {
  const accessToken = 'EAAG-automated-replies-token-0001';
  const appSecret = 'automated-replies-app-secret';
  const created = await call(h.ctx, org.owner, 'POST', '/api/v1/channels', {
    type: 'whatsapp',
    name: 'Aurora WhatsApp',
    phoneNumberId: PHONE_NUMBER_ID,
    wabaId: '102290129349001',
    accessToken,
    appSecret,
    graphApiUrl: emulator.url,
  });
  expect(created.statusCode, created.body).toBe(201);
  const channel = json<{ id: string; webhookUrl: string; verifyToken: string }>(created);
  const registered = await fetch(`${emulator.url}/_emulator/phone-numbers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phoneNumberId: PHONE_NUMBER_ID, wabaId: '102290129349001', accessToken, appSecret, webhookUrl: channel.webhookUrl, verifyToken: channel.verifyToken, verifiedName: 'Aurora' }),
  });
  expect(registered.status).toBe(201);
}

/** The customer writes from their phone. */
async function customerWrites(from: string, text: string) {
  const res = await fetch(`${emulator.url}/_emulator/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phoneNumberId: PHONE_NUMBER_ID, from: `+${from}`, name: 'Lucía Gómez', type: 'text', text }),
  });
  expect(res.status).toBe(200);
}

/** What the business sent to a customer through the emulator. */
async function sentTo(to: string): Promise<{ type: string; body: Record<string, unknown> }[]> {
  const res = await fetch(`${emulator.url}/_emulator/outbox?${new URLSearchParams({ phoneNumberId: PHONE_NUMBER_ID, to })}`);
  return ((await res.json()) as { data: { type: string; body: Record<string, unknown> }[] }).data;
}

it('an automated reply made in the dashboard answers a matching customer message, and can be paused and deleted', async () => {
  const { org, page } = await h.signedInOwner({ language: 'en' });
  await connectWhatsApp(org);
  // An approved template without variables, for the template reply (Meta — the emulator — reviews it).
  const template = await call(h.ctx, org.owner, 'POST', '/api/v1/templates', { name: 'store_hours', language: 'en_US', category: 'utility', body: { text: 'Our store is open every day from 10:00 to 20:00.' } });
  expect(template.statusCode, template.body).toBe(201);
  const templateId = json<{ id: string }>(template).id;
  await eventually(async () => json<{ status: string }>(await call(h.ctx, org.owner, 'GET', `/api/v1/templates/${templateId}`)).status === 'approved', 20_000, 'the template approval');

  await page.goto(h.url('/automation/automated-replies'));
  await page.getByRole('heading', { name: 'Automated replies', level: 1 }).waitFor();
  await page.getByText('No automated replies yet').waitFor();
  await page.getByText(/Rules are evaluated before the AI assistant/).waitFor();
  await h.screenshot(page, 'automated-replies-empty');

  // The sidebar leads here too.
  await page.getByRole('link', { name: 'Automated replies' }).waitFor();

  await page.getByRole('button', { name: 'New automated reply' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New automated reply' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Opening hours');
  const keywords = dialog.getByRole('combobox', { name: 'Keywords' });
  await keywords.fill('horario');
  await keywords.press('Enter');
  await keywords.fill('opening hours');
  await keywords.press('Enter');
  await dialog.getByRole('textbox', { name: 'Priority' }).fill('5');
  await dialog.getByRole('textbox', { name: 'Message' }).fill('We are open Monday to Saturday, 9:00–18:00.');
  await h.screenshot(page, 'automated-replies-form');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await page.getByText('Automated reply created').waitFor();
  await dialog.waitFor({ state: 'hidden' });

  const table = page.getByRole('table', { name: 'Automated replies' });
  await table.getByText('Opening hours', { exact: true }).waitFor();
  await table.getByText('horario', { exact: true }).waitFor();
  await table.getByText('Contains').waitFor();
  await table.getByText('Always').waitFor();
  await h.screenshot(page, 'automated-replies-list');
  // On a phone.
  const phone = await (await h.newContext({ viewport: { width: 390, height: 844 }, storageState: await page.context().storageState() })).newPage();
  await phone.goto(h.url('/automation/automated-replies'));
  await phone.getByRole('table').getByText('Opening hours', { exact: true }).waitFor();
  await h.screenshot(phone, 'automated-replies-list-phone');
  await phone.getByRole('button', { name: 'Actions for Opening hours' }).click();
  await phone.getByRole('menuitem', { name: 'Edit' }).click();
  await phone.getByRole('dialog', { name: 'Edit automated reply' }).waitFor();
  await h.screenshot(phone, 'automated-replies-form-phone');
  await phone.close();

  // What was saved is exactly what the form said.
  const listed = await call(h.ctx, org.owner, 'GET', '/api/v1/automated-replies');
  const [rule] = json<{ items: { id: string; keywords: string[]; match: string; priority: number; reply: unknown; enabled: boolean }[] }>(listed).items;
  expect(rule).toMatchObject({ keywords: ['horario', 'opening hours'], match: 'contains', priority: 5, enabled: true, reply: { type: 'text', text: 'We are open Monday to Saturday, 9:00–18:00.' } });

  // A customer asks, with capitals and accents: the rule answers, before (and without) the assistant.
  await customerWrites('34600555111', '¿Cuál es el HORÁRIO de la tienda?');
  const sent = await eventually(async () => {
    const out = await sentTo('34600555111');
    return out.length ? out : undefined;
  }, 20_000, 'the automated reply');
  expect(sent).toHaveLength(1);
  expect(JSON.stringify(sent[0]!.body)).toContain('We are open Monday to Saturday, 9:00–18:00.');

  // The agent sees the automatic answer in the conversation.
  await page.goto(h.url('/inbox'));
  await page.getByRole('navigation', { name: 'Chats' }).getByText('Lucía Gómez').click();
  await page.getByRole('log').getByText('We are open Monday to Saturday, 9:00–18:00.').waitFor();

  // Pause it from the list: the next matching message gets no automatic answer.
  await page.goto(h.url('/automation/automated-replies'));
  const toggle = page.getByRole('switch', { name: 'Active: Opening hours' });
  await expect.poll(() => toggle.isChecked()).toBe(true);
  // A plain click: the switch shows the server's state, which changes once the request is answered (the notice below waits for it).
  await toggle.click({ force: true });
  await page.getByText('"Opening hours" is paused').waitFor();
  const paused = json<{ enabled: boolean }>(await call(h.ctx, org.owner, 'GET', `/api/v1/automated-replies/${rule!.id}`));
  expect(paused.enabled).toBe(false);
  await customerWrites('34600555222', 'horario?');
  // Once the message's turn has run (its job completed), nothing was sent.
  const turnsDone = async () => (await h.ctx.container.database.db.select({ id: jobs.id }).from(jobs).where(and(eq(jobs.name, 'assistant.turn'), eq(jobs.state, 'completed')))).length;
  await eventually(async () => (await turnsDone()) >= 2, 20_000, 'the second turn');
  expect(await sentTo('34600555222')).toHaveLength(0);

  // Edit it: answer with the approved template instead, and switch it on again.
  await page.getByRole('button', { name: 'Actions for Opening hours' }).click();
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  const editDialog = page.getByRole('dialog', { name: 'Edit automated reply' });
  await editDialog.getByText('Template', { exact: true }).click();
  await editDialog.getByLabel('Approved template').first().click();
  await page.getByRole('option', { name: 'store_hours (en_US)' }).click();
  await editDialog.getByText('Our store is open every day from 10:00 to 20:00.').waitFor();
  await editDialog.getByRole('switch', { name: 'Active' }).check({ force: true });
  await h.screenshot(page, 'automated-replies-template');
  await editDialog.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Automated reply saved').waitFor();
  await page.getByRole('table', { name: 'Automated replies' }).getByText('store_hours (en_US)').waitFor();
  await expect.poll(() => toggle.isChecked()).toBe(true);

  await customerWrites('34600555333', 'Opening hours please');
  const templated = await eventually(async () => {
    const out = await sentTo('34600555333');
    return out.length ? out : undefined;
  }, 20_000, 'the template reply');
  expect(templated[0]!.type).toBe('template');
  expect(JSON.stringify(templated[0]!.body)).toContain('store_hours');

  // Delete it, after confirming.
  await page.getByRole('button', { name: 'Actions for Opening hours' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await page.getByText('Delete the automated reply "Opening hours"?').waitFor();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.getByText('Automated reply deleted').waitFor();
  await page.getByText('No automated replies yet').waitFor();
  expect(json<{ items: unknown[] }>(await call(h.ctx, org.owner, 'GET', '/api/v1/automated-replies')).items).toHaveLength(0);
}, 120_000);

it('a media reply with active hours needs a public https link, and a regular expression is checked by the server', async () => {
  const { org, page } = await h.signedInOwner({ language: 'en' });
  await page.goto(h.url('/automation/automated-replies'));
  await page.getByRole('heading', { name: 'Automated replies', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'New automated reply' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New automated reply' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Price list');
  await dialog.getByLabel('Match mode', { exact: true }).first().click();
  await page.getByRole('option', { name: 'Regular expression' }).click();
  const keywords = dialog.getByRole('combobox', { name: 'Keywords' });
  await keywords.fill('(price');
  await keywords.press('Enter');
  // Only at night on weekends, in the organization's time zone (a range past midnight).
  await dialog.getByRole('switch', { name: 'Only at certain times' }).check({ force: true });
  await dialog.getByLabel(/^From/).fill('22:00');
  await dialog.getByLabel(/^To/).fill('06:00');
  await dialog.getByText('Sat', { exact: true }).click();
  await dialog.getByText('Sun', { exact: true }).click();
  await dialog.getByText('Media', { exact: true }).click();
  await dialog.getByLabel('Media type', { exact: true }).first().click();
  await page.getByRole('option', { name: 'Document' }).click();
  await dialog.getByRole('textbox', { name: 'File URL' }).fill('http://example.com/prices.pdf');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await dialog.getByText('Use a public https:// URL').waitFor();

  await dialog.getByRole('textbox', { name: 'File URL' }).fill('https://example.com/prices.pdf');
  await dialog.getByRole('button', { name: 'Create' }).click();
  // The invalid pattern comes back from the API under the keywords.
  await dialog.getByText('Not a valid regular expression').waitFor();
  await keywords.press('Backspace');
  await keywords.fill('^(price|prices)\\b');
  await keywords.press('Enter');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await page.getByText('Automated reply created').waitFor();
  const table = page.getByRole('table', { name: 'Automated replies' });
  await table.getByText('Regular expression').waitFor();
  await table.getByText('Document', { exact: true }).waitFor();
  await table.getByText('22:00–06:00 · Sat, Sun').waitFor();
  await table.getByText('https://example.com/prices.pdf').waitFor();
  const [rule] = json<{ items: unknown[] }>(await call(h.ctx, org.owner, 'GET', '/api/v1/automated-replies')).items;
  expect(rule).toMatchObject({ match: 'regex', keywords: ['^(price|prices)\\b'], activeFrom: '22:00', activeTo: '06:00', activeDays: [0, 6], reply: { type: 'media', mediaType: 'document', link: 'https://example.com/prices.pdf' } });
  await h.screenshot(page, 'automated-replies-media');
}, 90_000);

it('the AI settings page saves start and stop keywords, the match mode and the voice options', async () => {
  const { org, page } = await h.signedInOwner({ language: 'en' });
  await page.goto(h.url('/automation/assistant'));
  await page.getByRole('heading', { name: 'AI assistant', level: 1 }).waitFor();
  for (const section of ['Language model', 'Start and stop', 'Confirmations and hand-off', 'Voice notes', 'Usage']) {
    await page.getByRole('heading', { name: section }).waitFor();
  }

  // The model: the key is write-only; only its last four characters come back.
  await page.getByLabel('Provider', { exact: true }).first().click();
  await page.getByRole('option', { name: 'OpenAI', exact: true }).click();
  await page.getByLabel('API key', { exact: true }).fill('sk-test-abcdef-9876');
  await page.getByRole('combobox', { name: 'Model' }).fill('gpt-4o-mini');
  await page.keyboard.press('Escape');

  const start = page.getByRole('combobox', { name: 'Start keywords' });
  await start.fill('hola');
  await start.press('Enter');
  await start.fill('quiero ayuda');
  await start.press('Enter');
  const stop = page.getByRole('combobox', { name: 'Stop keywords' });
  await stop.fill('agente');
  await stop.press('Enter');
  await page.getByText('Starts with', { exact: true }).click();
  await page.getByRole('switch', { name: 'Transcribe incoming voice notes' }).check({ force: true });
  await page.getByRole('switch', { name: 'Answer voice notes with spoken replies' }).check({ force: true });
  await page.getByLabel('Voice', { exact: true }).first().click();
  await page.getByRole('option', { name: 'Nova' }).click();
  await h.screenshot(page, 'assistant-settings');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Settings saved').waitFor();

  const saved = json<{ startKeywords: string[]; stopKeywords: string[]; keywordMatch: string; transcribeAudio: boolean; audioReplies: boolean; voice: string }>(
    await call(h.ctx, org.owner, 'GET', '/api/v1/assistant/settings'),
  );
  expect(saved).toMatchObject({
    provider: 'openai',
    model: 'gpt-4o-mini',
    apiKey: { isSet: true, last4: '9876' },
    startKeywords: ['hola', 'quiero ayuda'],
    stopKeywords: ['agente'],
    keywordMatch: 'starts_with',
    transcribeAudio: true,
    audioReplies: true,
    voice: 'nova',
  });

  await page.reload();
  await page.getByRole('heading', { name: 'AI assistant', level: 1 }).waitFor();
  const startField = page.locator('.mantine-TagsInput-root', { has: page.getByRole('combobox', { name: 'Start keywords' }) });
  const stopField = page.locator('.mantine-TagsInput-root', { has: page.getByRole('combobox', { name: 'Stop keywords' }) });
  await startField.getByText('hola', { exact: true }).waitFor();
  await startField.getByText('quiero ayuda', { exact: true }).waitFor();
  await stopField.getByText('agente', { exact: true }).waitFor();
  expect(await page.getByRole('radio', { name: 'Starts with' }).isChecked()).toBe(true);
  expect(await page.getByLabel('Voice', { exact: true }).first().inputValue()).toBe('Nova');
  await page.getByText('Set (ends in 9876) — type to replace it').waitFor();
  expect(await page.getByLabel('API key', { exact: true }).inputValue()).toBe('');

  // Removing a stop keyword persists too.
  await stop.click();
  await stop.press('Backspace');
  await expect.poll(() => stopField.getByText('agente', { exact: true }).count()).toBe(0);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Settings saved').waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'AI assistant', level: 1 }).waitFor();
  await startField.getByText('hola', { exact: true }).waitFor();
  expect(await stopField.getByText('agente', { exact: true }).count()).toBe(0);
  expect(json<{ stopKeywords: string[] }>(await call(h.ctx, org.owner, 'GET', '/api/v1/assistant/settings')).stopKeywords).toEqual([]);
}, 90_000);
