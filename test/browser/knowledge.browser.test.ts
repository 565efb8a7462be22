import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordKnowledgeGap } from '../../src/modules/knowledge/index.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser.ts';

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness();
}, 120_000);
afterAll(async () => h?.close());

const faq = `# TEMA: ENVÍOS

**Pregunta: ¿Cuánto cuesta el envío?**
**Pregunta: ¿Cuánto vale el domicilio?**
Respuesta: El envío cuesta $12.900 COP a las ciudades principales.

**Pregunta: ¿Hacen envíos internacionales?**
Respuesta: Por ahora solo enviamos dentro de Colombia.
`;

it('uploads a document by drag-and-drop, sees it ready, and asks it in the test panel', async () => {
  const { page } = await h.signedInOwner();
  await page.goto(h.url('/knowledge'));
  await page.getByRole('heading', { name: 'Knowledge base', level: 1 }).waitFor();
  await page.getByText('The knowledge base is empty').waitFor();

  // The dropzone's file input (what a drop or a click ends in).
  await page.locator('input[type="file"]').setInputFiles({ name: 'envios.txt', mimeType: 'text/plain', buffer: Buffer.from(faq) });
  const row = page.getByRole('row').filter({ hasText: 'envios' });
  await row.getByText('Ready').waitFor({ timeout: 30_000 });
  await expect(row.textContent()).resolves.toContain('envios.txt');
  await h.screenshot(page, 'knowledge-documents');

  // The document page shows the Q&A chunks: every phrasing with its one answer.
  await row.getByRole('link', { name: 'envios' }).click();
  await page.getByRole('heading', { name: 'envios', level: 1 }).waitFor();
  await page.getByText('¿Cuánto vale el domicilio?').waitFor();
  await page.getByText('El envío cuesta $12.900 COP a las ciudades principales.').waitFor();

  // The test panel: a paraphrase with a typo gets the answer; an out-of-scope question gets "I don't know".
  await page.goto(h.url('/knowledge/test'));
  await page.getByRole('textbox', { name: 'Question' }).fill('cuanto cuesta el envoi');
  await page.getByRole('button', { name: 'Ask' }).click();
  await page.getByText('Matched question: ¿Cuánto cuesta el envío?').waitFor();
  await page.getByText('Retrieved chunks').waitFor();
  await h.screenshot(page, 'knowledge-test-panel');
  await page.getByRole('button', { name: 'Save as a test' }).click();
  await page.getByText('Test saved.').waitFor();

  await page.getByRole('textbox', { name: 'Question' }).fill('¿Quién ganó el partido de ayer?');
  await page.getByRole('button', { name: 'Ask' }).click();
  await page.getByText('The assistant would say it does not know.').waitFor();

  await page.getByRole('button', { name: 'Run all tests' }).click();
  await page.getByText('Pass rate: 100% (1 of 1)').waitFor();
}, 90_000);

it('shows knowledge gaps grouped and adds the missing answer in one step', async () => {
  const { page, org } = await h.signedInOwner({ language: 'es' });
  for (const question of ['¿Aceptan Bitcoin?', '¿aceptan bitcoin?', '¿Tienen tarjetas de regalo?']) {
    await recordKnowledgeGap(h.ctx.container, { organizationId: org.organizationId, question, reason: 'unanswered' });
  }
  await page.goto(h.url('/knowledge/gaps'));
  await page.getByRole('heading', { name: 'Base de conocimiento', level: 1 }).waitFor();
  const card = page.locator('.mantine-Card-root').filter({ hasText: '¿Aceptan Bitcoin?' }).first();
  await card.getByText('Veces: 2').waitFor();
  await h.screenshot(page, 'knowledge-gaps');
  await card.getByRole('button', { name: 'Agregar respuesta' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox', { name: 'Respuesta', exact: true }).fill('No, por ahora no aceptamos criptomonedas.');
  await dialog.getByRole('button', { name: 'Agregar respuesta' }).click();
  await page.getByText('La respuesta se agregó a la base de conocimiento.').waitFor();
  await card.waitFor({ state: 'detached' });
  await page.locator('label').filter({ hasText: 'Resueltas' }).click();
  await page.getByText('Respuesta agregada').waitFor();
}, 90_000);
