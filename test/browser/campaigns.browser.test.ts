import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/server.ts';
import { seedContacts } from '../../src/modules/campaigns/tests/campaign-fixtures.ts';
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
  // Charla first: its webhook deliveries from the emulator are not cut off while it is still serving.
  await h?.close();
  await emulator?.close();
});

it('creates a template, waits for its approval, schedules a campaign with it and opens the campaign', async () => {
  const { org, page } = await h.signedInOwner({ language: 'en' });
  const created = await call(h.ctx, org.owner, 'POST', '/api/v1/channels', {
    type: 'whatsapp',
    name: 'Aurora WhatsApp',
    phoneNumberId: '106540352247001',
    wabaId: '102290129347001',
    appId: '1234567890',
    accessToken: 'EAAG-browser-campaigns-token',
    appSecret: 'browser-campaigns-secret',
    graphApiUrl: emulator.url,
  });
  expect(created.statusCode, created.body).toBe(201);
  const channel = json<{ webhookUrl: string; verifyToken: string }>(created);
  const registered = await fetch(`${emulator.url}/_emulator/phone-numbers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      phoneNumberId: '106540352247001',
      wabaId: '102290129347001',
      accessToken: 'EAAG-browser-campaigns-token',
      appSecret: 'browser-campaigns-secret',
      webhookUrl: channel.webhookUrl,
      verifyToken: channel.verifyToken,
    }),
  });
  expect(registered.status).toBe(201);
  await seedContacts(h.ctx, org.organizationId, 3, { prefix: '3461200', consent: 'granted' });
  await seedContacts(h.ctx, org.organizationId, 1, { prefix: '3461300', consent: null });

  // The builder: the linter explains a bad name at once; the preview renders the example.
  await page.goto(h.url('/templates/new'));
  await page.getByRole('textbox', { name: 'Name' }).fill('Summer Sale');
  await page.getByText('Names may only use lowercase letters, digits and underscores').waitFor();
  await page.getByRole('textbox', { name: 'Name' }).fill('summer_sale');
  await page.getByRole('textbox', { name: 'Body' }).fill('Hi there! Your coupon ');
  await page.getByRole('button', { name: 'Add variable' }).click();
  await page.getByRole('textbox', { name: 'Body' }).press('End');
  await page.getByRole('textbox', { name: 'Body' }).pressSequentially(' is waiting for you.');
  await page.getByRole('textbox', { name: 'Example for {{1}}' }).fill('SUMMER20');
  await page.getByRole('figure', { name: 'Preview' }).getByText('Hi there! Your coupon SUMMER20 is waiting for you.').waitFor();
  await page.getByText('Ready to submit: no problems found').waitFor();
  await h.screenshot(page, 'template-builder');
  await page.getByRole('button', { name: 'Submit for review' }).click();
  await page.getByRole('heading', { name: 'Message templates' }).waitFor();

  // Meta (the emulator) approves it; the list shows it after a refresh.
  await expect
    .poll(
      async () => {
        await page.reload();
        await page.getByRole('link', { name: 'summer_sale' }).waitFor();
        return page.getByRole('row', { name: /summer_sale/ }).getByText('Approved').isVisible();
      },
      { timeout: 30_000, interval: 500 },
    )
    .toBe(true);
  await h.screenshot(page, 'templates-list');

  // The wizard: template → variables (fixed text) → audience (consent exclusions counted) → schedule.
  await page.goto(h.url('/campaigns/new'));
  await page.getByRole('textbox', { name: 'Campaign name' }).fill('Summer launch');
  await page.getByLabel(/^Template/).first().click();
  await page.getByRole('option', { name: /summer_sale/ }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  // The first variable defaults to the contact's first name; this one is a coupon: fixed text.
  await page.getByRole('figure').getByText('Hi there! Your coupon Cliente 1 is waiting for you.').waitFor();
  await page.getByLabel('Comes from').first().click();
  await page.getByRole('option', { name: 'Fixed text' }).click();
  await page.getByRole('figure').getByText('Hi there! Your coupon SUMMER20 is waiting for you.').waitFor();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('Without marketing consent (excluded): 1').waitFor();
  await page.getByText('Will receive it: 3').waitFor();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel(/Date and time/).fill('2099-07-21T08:30');
  await h.screenshot(page, 'campaign-wizard');
  await page.getByRole('button', { name: 'Schedule', exact: true }).click();

  // The details page: the settings, the scheduled state and the message as it will be sent.
  await page.getByRole('heading', { name: 'Summer launch' }).waitFor();
  await page.getByText('Scheduled', { exact: true }).first().waitFor();
  await page.getByText('Campaign details').waitFor();
  await page.getByRole('figure', { name: 'Message as sent' }).getByText('Hi there! Your coupon SUMMER20 is waiting for you.').waitFor();
  await h.screenshot(page, 'campaign-details');
  const list = json<{ items: { name: string; status: string }[] }>(await call(h.ctx, org.owner, 'GET', '/api/v1/campaigns'));
  expect(list.items).toEqual([expect.objectContaining({ name: 'Summer launch', status: 'scheduled' })]);
}, 180_000);
