import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserHarness, startBrowserHarness } from '../support/browser.ts';

// The first-run journey of issue 2 in a real browser: onboarding → invite a member → accept the invitation
// in a second browser → switch language → create and revoke an API key.
describe('dashboard foundation (browser)', () => {
  let h: BrowserHarness;
  let owner: Page;
  let invitationLink = '';

  beforeAll(async () => {
    h = await startBrowserHarness();
    const context = await h.newContext();
    owner = await context.newPage();
  }, 120_000);

  afterEach(async (context) => {
    // Leave a picture of the owner's screen for whoever debugs a failure.
    if (context.task.result?.state === 'fail' && owner) await h.screenshot(owner, `failed-${context.task.name.replaceAll(' ', '-')}`);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('creates the organization and its owner in onboarding', async () => {
    await owner.goto(h.url('/'));
    await owner.waitForURL('**/onboarding');
    await owner.getByLabel('Business name').fill('Panadería Sol');
    await owner.getByLabel('Your name').fill('Ana Torres');
    await owner.getByLabel('E-mail').fill('ana@panaderia.test');
    await owner.getByRole('textbox', { name: 'Password', exact: true }).fill('correct horse battery');
    await owner.getByRole('button', { name: 'Create my workspace' }).click();

    await owner.getByRole('heading', { name: 'Welcome, Ana' }).waitFor();
    expect(new URL(owner.url()).pathname).toBe('/');
    await owner.getByText('This is Panadería Sol on Charla.').waitFor();
    // Owners see every settings page.
    for (const name of ['General', 'Team', 'Developer tools', 'Audit log']) {
      await owner.getByRole('navigation').getByRole('link', { name, exact: true }).waitFor();
    }
    await h.screenshot(owner, 'home-desktop');
  }, 60_000);

  it('invites a member and shows the link in the outbox', async () => {
    await owner.getByRole('navigation').getByRole('link', { name: 'Team', exact: true }).click();
    await owner.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
    await owner.getByRole('button', { name: 'Invite people' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Invite someone' });
    await dialog.getByRole('textbox', { name: 'E-mail', exact: true }).fill('bruno@panaderia.test');
    await dialog.getByRole('button', { name: 'Send the invitation' }).click();
    await owner.getByText('Invitation sent to bruno@panaderia.test').waitFor();
    await dialog.waitFor({ state: 'hidden' });

    await owner.getByRole('tab', { name: 'Invitations' }).click();
    await owner.getByRole('table', { name: 'Pending invitations' }).getByText('bruno@panaderia.test').waitFor();

    await owner.getByRole('tab', { name: 'E-mails' }).click();
    await owner.getByText('invitations are not delivered', { exact: false }).first().waitFor();
    const link = owner.getByTestId('outbox-link').first();
    await link.waitFor();
    invitationLink = (await link.textContent())?.trim() ?? '';
    expect(invitationLink).toMatch(new RegExp(`^${h.baseUrl}/invite/\\S+$`));
    await h.screenshot(owner, 'team-outbox');
  }, 60_000);

  it('accepts the invitation in a second browser', async () => {
    const context = await h.newContext();
    const member = await context.newPage();
    await member.goto(invitationLink);
    await member.getByRole('heading', { name: 'Join Panadería Sol' }).waitFor();
    await member.getByText('You were invited as Agent', { exact: false }).waitFor();
    await member.getByLabel('Your name').fill('Bruno Lima');
    await member.getByRole('textbox', { name: 'Password', exact: true }).fill('bruno password 1');
    await member.getByRole('textbox', { name: 'Repeat the password' }).fill('bruno password 1');
    await member.getByRole('button', { name: 'Accept the invitation' }).click();

    await member.getByRole('heading', { name: 'Welcome, Bruno' }).waitFor();
    // Agents do not see what they cannot use.
    const nav = member.getByRole('navigation');
    await nav.getByRole('link', { name: 'Team', exact: true }).waitFor();
    expect(await nav.getByRole('link', { name: 'Developer tools' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);

    // The owner sees the new member as active.
    await owner.getByRole('tab', { name: 'Members' }).click();
    const members = owner.getByRole('table', { name: 'Members' });
    await members.getByText('Bruno Lima').waitFor();
    const row = members.getByRole('row').filter({ hasText: 'Bruno Lima' });
    await row.getByText('Active').waitFor();
    await context.close();
  }, 60_000);

  it('switches the language and remembers it', async () => {
    const nav = owner.getByRole('navigation');
    const pick = async (language: string) => {
      await owner.getByTestId('language-picker').click();
      await owner.getByRole('menuitem', { name: language }).click();
    };

    await pick('Español');
    await nav.getByRole('link', { name: 'Equipo', exact: true }).waitFor();
    await owner.getByRole('heading', { name: 'Equipo', level: 1 }).waitFor();
    expect(await owner.locator('html').getAttribute('lang')).toBe('es');
    // Saved in the profile: it survives a reload.
    await owner.reload();
    await owner.getByRole('button', { name: 'Invitar personas' }).waitFor();

    await pick('Português (Brasil)');
    await nav.getByRole('link', { name: 'Equipe', exact: true }).waitFor();
    await owner.getByRole('button', { name: 'Convidar pessoas' }).waitFor();
    expect(await owner.locator('html').getAttribute('lang')).toBe('pt-BR');

    await pick('English');
    await nav.getByRole('link', { name: 'Team', exact: true }).waitFor();
    await owner.getByRole('button', { name: 'Invite people' }).waitFor();
  }, 60_000);

  it('creates an API key, uses it, and revokes it', async () => {
    await owner.getByRole('navigation').getByRole('link', { name: 'Developer tools' }).click();
    await owner.getByRole('heading', { name: 'Developer tools', level: 1 }).waitFor();
    await owner.getByText(`curl -H "Authorization: Bearer $CHARLA_API_KEY" ${h.baseUrl}/api/v1/me`).waitFor();
    await owner.getByRole('button', { name: 'Create an API key' }).first().click();
    const dialog = owner.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Shop integration');
    await dialog.getByRole('button', { name: 'Create the key' }).click();
    await dialog.getByText('you will not be able to see it again', { exact: false }).waitFor();
    const key = (await dialog.getByTestId('new-api-key').locator('code').textContent())?.trim() ?? '';
    expect(key).toMatch(/^chk_/);
    await h.screenshot(owner, 'api-key-created');

    const me = await fetch(h.url('/api/v1/me'), { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { organization: { name: string } }).organization.name).toBe('Panadería Sol');

    await dialog.getByRole('button', { name: 'I have copied it' }).click();
    const table = owner.getByRole('table', { name: 'API keys' });
    const row = table.getByRole('row').filter({ hasText: 'Shop integration' });
    await row.getByText('Active').waitFor();
    await row.getByRole('button', { name: 'Revoke the key Shop integration' }).click();
    await owner.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('Revoked', { exact: true }).waitFor();
    expect(await row.getByRole('button', { name: 'Revoke the key Shop integration' }).count()).toBe(0);

    const after = await fetch(h.url('/api/v1/me'), { headers: { authorization: `Bearer ${key}` } });
    expect(after.status).toBe(401);
    await h.screenshot(owner, 'developer-tools');
  }, 60_000);

  it('shows the audit log and the settings, and fits a phone screen', async () => {
    await owner.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    const audit = owner.getByRole('table', { name: 'Audit log entries' });
    await audit.getByText('API key revoked').first().waitFor();
    await audit.getByText('Invitation accepted').first().waitFor();

    await owner.getByRole('navigation').getByRole('link', { name: 'General' }).click();
    await owner.getByLabel('Organization name').waitFor();
    expect(await owner.getByLabel('Organization name').inputValue()).toBe('Panadería Sol');
    await h.screenshot(owner, 'settings-general');

    const phone = await h.newContext({ viewport: { width: 390, height: 844 }, storageState: await owner.context().storageState() });
    const page = await phone.newPage();
    await page.goto(h.url('/settings/team'));
    await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await h.screenshot(page, 'team-phone');
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Developer tools' }).click();
    await page.getByRole('heading', { name: 'Developer tools', level: 1 }).waitFor();
    // The drawer closes after navigating; let its slide finish before the picture.
    await page.getByRole('button', { name: 'Toggle navigation', expanded: false }).waitFor();
    await page.waitForTimeout(400);
    await h.screenshot(page, 'developer-phone');
  }, 60_000);
});
