import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER, PHONE, setup, waitFor } from './test-helpers.ts';

const SCREENSHOT = path.resolve(import.meta.dirname, '../.test-data/screenshots/emulator-phone-page.png');

// The phone page in a real browser: a person chats as a customer, sees the business's interactive
// messages and answers with a tap; the business sees the replies as signed webhooks.
describe('emulator phone page (browser)', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    env = await setup({ autoRead: false });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    const context = await browser.newContext({ locale: 'en-US' });
    page = await context.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('chats as a customer: text, business buttons and list, read ticks, language switch', async () => {
    await page.goto(`${env.emulator.url}/`);
    await page.getByLabel('Language').selectOption('en');
    await page.getByLabel('Your number').fill(`+${CUSTOMER}`);
    await page.getByLabel('Your name').fill('Ana Souza');
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.locator('#biz-name', { hasText: 'Loja Aurora' }).waitFor();

    await page.getByPlaceholder('Type a message').fill('Olá! Onde está meu pedido?');
    await page.keyboard.press('Enter');
    const inbound = await waitFor(() => env.receiver.received.flatMap((r) => r.parsed.messages).find((m) => m.text === 'Olá! Onde está meu pedido?'));
    expect(inbound.profileName).toBe('Ana Souza');

    // The business reads it (blue ticks) and answers with reply buttons and a list.
    await env.client.markRead(inbound.wamid, { typing: true });
    await page.locator('.bubble.mine[data-status="read"]').waitFor();
    await env.client.sendMessage(CUSTOMER, { type: 'buttons', body: 'Shall I check it?', buttons: [{ id: 'yes', title: 'Yes please' }, { id: 'no', title: 'No' }] });
    await page.getByRole('button', { name: 'Yes please' }).click();
    const tap = await waitFor(() => env.receiver.received.flatMap((r) => r.parsed.messages).find((m) => m.interactive?.id === 'yes'));
    expect(tap.type).toBe('interactive');

    await env.client.sendMessage(CUSTOMER, { type: 'list', body: 'Delivery options', buttonText: 'See options', sections: [{ title: 'Fast', rows: [{ id: 'express', title: 'Express', description: 'Tomorrow' }] }] });
    await page.getByRole('button', { name: '☰ See options' }).click();
    await page.getByRole('button', { name: 'Express' }).click();
    await waitFor(() => env.receiver.received.flatMap((r) => r.parsed.messages).find((m) => m.interactive?.kind === 'list_reply'));

    // Business messages get read receipts because the page is open.
    const outbox = await env.control('GET', `/_emulator/outbox?phoneNumberId=${PHONE.phoneNumberId}`);
    expect(outbox.body.data.some((m: { status: string }) => m.status === 'read')).toBe(true);

    // Media and templates render too; leave a screenshot for a person to look at.
    await env.client.sendMessage(CUSTOMER, { type: 'template', name: 'hello_world', languageCode: 'en_US' });
    await page.getByText('Hello World').waitFor();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await page.getByLabel('Language').selectOption('pt-BR');
    await page.getByPlaceholder('Digite uma mensagem').waitFor();
    expect(errors).toEqual([]);
  }, 60_000);
});
