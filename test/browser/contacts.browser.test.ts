import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call } from '../support/factories.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser.ts';

let h: BrowserHarness;
const SAMPLE = fs.readFileSync(path.resolve(import.meta.dirname, '../../src/modules/contacts/demo/contacts-sample.csv'));

beforeAll(async () => {
  h = await startBrowserHarness();
}, 120_000);
afterAll(async () => h?.close());

it('bulk upload: drop a file, check the mapping, follow the progress, download the error report', async () => {
  const { page, org } = await h.signedInOwner({ language: 'es' });
  await call(h.ctx, org.owner, 'PATCH', '/api/v1/organization', { country: 'CO' });
  await call(h.ctx, org.owner, 'POST', '/api/v1/contact-fields', { label: 'Tipo de cliente', component: 'select', options: ['Cotización', 'Compra', 'Recompra'] });
  await page.goto(h.url('/contacts'));
  await page.getByRole('heading', { name: 'Contactos', level: 1 }).waitFor();
  await page.getByText('Todavía no hay contactos').waitFor();
  await page.getByRole('button', { name: 'Carga masiva' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Importar contactos' });
  await dialog.getByRole('link', { name: 'Plantilla CSV' }).waitFor();

  // Drop the guide's sample file (the dropzone's input receives it).
  await dialog.locator('input[type="file"]').setInputFiles({ name: 'contactos.csv', mimeType: 'text/csv', buffer: SAMPLE });
  await dialog.getByText('Relaciona las columnas').waitFor({ timeout: 30_000 });
  // The suggested mapping: Spanish headers matched, the custom field by its label.
  await expect(dialog.getByLabel('Importar en: Teléfono', { exact: true }).inputValue()).resolves.toBe('Teléfono');
  await expect(dialog.getByLabel('Importar en: Tipo de cliente', { exact: true }).inputValue()).resolves.toBe('Campo: Tipo de cliente');
  await h.screenshot(page, 'contacts-import-mapping');
  await dialog.getByRole('button', { name: 'Importar', exact: true }).click();

  // Live progress until finished, with counts that add up to the 10 data rows.
  await dialog.getByText('Terminada').waitFor({ timeout: 60_000 });
  const count = async (k: string) => Number(await dialog.getByTestId(`import-count-${k}`).textContent());
  expect(await count('created')).toBe(5);
  expect(await count('updated')).toBe(2);
  expect(await count('failed')).toBe(3);
  await dialog.getByText('El correo «luis@@example» no es válido.').waitFor();
  await h.screenshot(page, 'contacts-import-progress');

  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('link', { name: 'Descargar el informe de errores' }).click()]);
  const file = await download.path();
  const report = fs.readFileSync(file!, 'utf8');
  expect(report.startsWith('\ufeffFila,Campo,Motivo,Nombre')).toBe(true);
  expect(report).toContain('10,Teléfono,El teléfono «+57 31A 222 33B4» contiene letras.');
  expect(download.suggestedFilename()).toBe('contactos-errors.csv');

  // The imported contacts are in the list, with their groups.
  await dialog.getByRole('button', { name: 'Cerrar' }).last().click();
  const list = page.getByRole('table', { name: 'Contactos' });
  await list.getByText('Lucía Fernández').waitFor();
  await list.getByRole('button', { name: /Lucía Fernández/ }).click();
  await page.getByRole('textbox', { name: 'Correo electrónico' }).first().waitFor();
  await expect(page.getByRole('textbox', { name: 'Teléfono' }).first().inputValue()).resolves.toBe('+34612345678');
  await h.screenshot(page, 'contacts-details');
}, 120_000);

it('adds a contact with a required custom field validated inline, and erases it after typing the word', async () => {
  const { page, org } = await h.signedInOwner();
  await call(h.ctx, org.owner, 'POST', '/api/v1/contact-fields', { label: 'Customer type', component: 'select', options: ['Quote', 'Purchase'], required: true });
  await page.goto(h.url('/contacts?panel=add'));
  await page.getByRole('heading', { name: 'Add contact' }).waitFor();
  await page.getByRole('textbox', { name: 'First name' }).fill('Zoë');
  await page.getByRole('textbox', { name: 'E-mail' }).fill('not-an-email');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Enter a valid e-mail address').waitFor();
  await page.getByRole('textbox', { name: 'E-mail' }).fill('zoe@example.com');
  await page.getByLabel('Customer type', { exact: false }).first().click();
  await page.getByRole('option', { name: 'Purchase' }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Contact added').waitFor();
  await page.getByRole('heading', { name: 'Zoë', level: 2 }).waitFor();

  await page.getByRole('button', { name: 'Erase this person' }).click();
  const dialog = page.getByRole('dialog');
  const erase = dialog.getByRole('button', { name: 'Erase permanently' });
  expect(await erase.isDisabled()).toBe(true);
  await dialog.getByRole('textbox', { name: 'Type ERASE to confirm' }).fill('erase');
  await erase.click();
  await page.getByText(/Personal data erased/).waitFor();
  await page.getByText('No contacts yet').waitFor();
}, 90_000);
