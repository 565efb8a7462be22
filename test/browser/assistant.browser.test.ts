import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/server.ts';
import { updateAssistantSettings } from '../../src/modules/assistant/settings.service.ts';
import { seedDemoShop } from '../../src/modules/integrations/integrations.demo.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser.ts';

let h: BrowserHarness;
let emulator: RunningEmulator;
beforeAll(async () => {
  h = await startBrowserHarness();
  emulator = await startEmulator({ port: 0, logger: createLogger('silent') });
}, 120_000);
afterAll(async () => {
  // Charla first: its webhook deliveries from the emulator are not cut off while it is still serving.
  await h?.close();
  await emulator?.close();
});

it('the playground answers an order question and shows the tool call', async () => {
  const { org, page } = await h.signedInOwner({ language: 'en' });
  await seedDemoShop(h.ctx.container, org.organizationId, 'en', emulator.url);
  await updateAssistantSettings(h.ctx.container, org.organizationId, { enabled: true, brain: 'offline' }, { label: 'test' });
  await page.goto(h.url('/automation/playground'));
  await page.getByRole('heading', { name: 'Try your assistant', level: 1 }).waitFor();
  await page.getByRole('textbox', { name: 'Write as a customer…' }).fill('Where is my order 1002?');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByText(/Tool order_status → ok/).waitFor();
  await page.getByText(/Your order 1002 is "shipped"/).waitFor();
  await h.screenshot(page, 'assistant-playground');
  expect(await page.getByText(/order_status/).count()).toBeGreaterThan(0);
});
