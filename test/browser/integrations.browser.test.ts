import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeApi, startFakeApi } from '../../src/modules/integrations/tests/fake-api.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser.ts';

let h: BrowserHarness;
let shop: FakeApi;

beforeAll(async () => {
  h = await startBrowserHarness();
  shop = await startFakeApi((req) => {
    if (req.headers.authorization !== 'Bearer shop-token-1234567890') return { status: 401, body: { error: 'unauthorized' } };
    return { body: { order: { id: decodeURIComponent(req.url.split('/').at(-1) ?? ''), status: 'shipped', eta: '2025-07-01' } } };
  });
}, 120_000);
afterAll(async () => {
  await shop?.close();
  await h?.close();
});

it('builds an integration and a tool from scratch, tests it, picks a value from the response and saves it', async () => {
  const { page } = await h.signedInOwner();
  await page.goto(h.url('/automation/integrations'));
  await page.getByRole('heading', { name: 'Integrations' }).waitFor();
  await page.getByText('Zapier, Make and n8n').waitFor();

  // The integration: base URL, bearer token (write-only), and the local shop allowlisted.
  await page.getByRole('button', { name: 'New integration' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/^Name/).fill('Local shop');
  await dialog.getByLabel('Base URL').fill(`${shop.url}/api`);
  await dialog.getByLabel('Authentication', { exact: true }).click();
  await page.getByRole('option', { name: 'Bearer token' }).click();
  await dialog.getByLabel(/^Token/).fill('shop-token-1234567890');
  await dialog.getByLabel('Private hosts this integration may reach').fill('127.0.0.1');
  await dialog.getByLabel('Private hosts this integration may reach').press('Enter');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('heading', { name: 'Local shop' }).waitFor();
  expect(page.url()).toMatch(/\/automation\/integrations\/[0-9a-f-]{36}$/);

  // The tool: name, description, one input, a URL written with the placeholder autocomplete.
  await page.getByRole('button', { name: 'New tool' }).first().click();
  await page.getByRole('heading', { name: 'New tool' }).waitFor();
  await page.getByLabel(/^Name/).first().fill('order_status');
  await page.getByLabel(/^When to use it/).fill('When the customer asks where their order is');
  await page.getByRole('button', { name: 'Add input' }).click();
  await page.getByLabel(/^Name/).nth(1).fill('orderId');
  const url = page.getByLabel(/^URL or path/);
  await url.fill('/orders/');
  await url.pressSequentially('{{ord');
  await page.getByRole('option', { name: '{{orderId}}' }).click();
  await expect(url.inputValue()).resolves.toBe('/orders/{{orderId}}');

  // Test it: the exact request with the token masked, and the response.
  await page.getByRole('textbox', { name: 'orderId' }).fill('A-1/2');
  await page.getByRole('button', { name: 'Send test request' }).click();
  const result = page.getByTestId('tool-test-result');
  await result.getByText('Success · 200').waitFor();
  await expect(result.getByText(`GET ${shop.url}/api/orders/A-1%2F2`).isVisible()).resolves.toBe(true);
  await expect(result.textContent()).resolves.toContain('authorization: Bearer ••••••');
  await expect(result.textContent()).resolves.not.toContain('shop-token-1234567890');

  // Pick the status from the response, write the reply, test again.
  await result.getByRole('button', { name: 'order.status' }).click();
  await expect(page.getByRole('textbox', { name: 'Variable', exact: true }).first().inputValue()).resolves.toBe('status');
  await expect(page.getByRole('textbox', { name: 'Path', exact: true }).first().inputValue()).resolves.toBe('order.status');
  await page.getByLabel('Reply template').fill('Your order {{orderId}} is {{status}}');
  await page.getByRole('button', { name: 'Send test request' }).click();
  await expect(page.getByTestId('tool-test-reply').textContent()).resolves.toBe('Your order A-1/2 is shipped');

  await page.getByRole('button', { name: 'Save tool' }).click();
  await page.getByRole('heading', { name: 'Edit order_status' }).waitFor();
  await h.screenshot(page, 'integrations-tool-builder');

  // Saved: the integration lists it, and the saved tool tests the same way.
  await page.getByRole('link', { name: 'Local shop' }).click();
  await page.getByRole('link', { name: 'order_status' }).waitFor();
  const tools = await h.ctx.app.inject({ method: 'GET', url: '/api/v1/tools', headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } });
  expect(JSON.parse(tools.body).items[0]).toMatchObject({ name: 'order_status', replyTemplate: 'Your order {{orderId}} is {{status}}', responseMapping: [{ variable: 'status', path: 'order.status' }] });
}, 120_000);

it('speaks Spanish and fits a phone screen', async () => {
  const { page } = await h.signedInOwner({ language: 'es', context: { viewport: { width: 390, height: 844 }, locale: 'es-ES' } });
  await page.goto(h.url('/automation/integrations'));
  await page.getByRole('heading', { name: 'Integraciones' }).waitFor();
  await page.getByText('Todavía no hay integraciones').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await h.screenshot(page, 'integrations-list-es-mobile');
}, 60_000);
