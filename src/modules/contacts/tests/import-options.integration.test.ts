import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { runImport } from '../imports/run-import.ts';
import { pruneImportsHandler } from '../jobs/prune-imports.job.ts';
import { expectTotals, type ImportView, importFile, upload } from './helpers.ts';

let ctx: TestContext;
let org: TestOrg;
type Contact = { id: string; firstName: string; lastName: string; phone: string | null; email: string | null; notes: string; groups: { name: string }[]; marketingConsent: string | null };
const contactsOf = async (query = '') => json<{ items: Contact[] }>(await call(ctx, org.owner, 'GET', `/api/v1/contacts?limit=200&${query}`)).items;
const reasons = async (id: string) =>
  json<{ items: { rowNumber: number; reason: string }[] }>(await call(ctx, org.owner, 'GET', `/api/v1/contacts/imports/${id}/errors`)).items.map((e) => `${e.rowNumber}:${e.reason}`);

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { language: 'pt-BR' });
  await call(ctx, org.owner, 'PATCH', '/api/v1/organization', { country: 'BR' });
  await call(ctx, org.owner, 'POST', '/api/v1/contacts', { firstName: 'Existente', phone: '11 91111-0001', email: 'existente@example.com', notes: 'antes' });
});
afterAll(() => ctx.close());

const FILE = ['Nome,Telefone,E-mail,Observações', 'Novo,11 91111-0002,novo@example.com,n1', 'Existente Atualizado,11 91111-0001,,depois', 'Novo de novo,,NOVO@example.com,n2'].join('\n');

describe('dedupe modes', () => {
  it('update: existing contacts and repeated rows are updated with the non-empty values', async () => {
    const { result } = await importFile(ctx, org.owner, 'u.csv', FILE, { dedupe: 'update' });
    expectTotals(result, 3);
    expect(result.counts).toEqual({ created: 1, updated: 2, skipped: 0, failed: 0 });
    const [existing] = await contactsOf('q=existente@example.com');
    expect(existing).toMatchObject({ firstName: 'Existente Atualizado', email: 'existente@example.com', notes: 'depois' });
    const [novo] = await contactsOf('q=novo@example.com');
    expect(novo).toMatchObject({ firstName: 'Novo de novo', phone: '+5511911110002', notes: 'n2' });
  });

  it('skip: matches are counted as skipped and left unchanged', async () => {
    const { result } = await importFile(ctx, org.owner, 's.csv', FILE.replace('depois', 'mudado'), { dedupe: 'skip' });
    expect(result.counts).toEqual({ created: 0, updated: 0, skipped: 3, failed: 0 });
    expect((await contactsOf('q=existente@example.com'))[0]!.notes).toBe('depois');
  });

  it('create: only new contacts; matches are reported as duplicates', async () => {
    const file = `${FILE}\nOutro,11 91111-0003,outro@example.com,\nOutro bis,11 91111-0003,,`;
    const { result } = await importFile(ctx, org.owner, 'c.csv', file, { dedupe: 'create' });
    expectTotals(result, 5);
    expect(result.counts).toEqual({ created: 1, updated: 0, skipped: 0, failed: 4 });
    expect(await reasons(result.id)).toEqual(['2:duplicate_existing', '3:duplicate_existing', '4:duplicate_in_file', '6:duplicate_in_file']);
  });

  it('a phone of one contact with the e-mail of another is a conflict, never a silent merge', async () => {
    const { result } = await importFile(ctx, org.owner, 'x.csv', 'Nome,Telefone,E-mail\nMistura,11 91111-0001,outro@example.com\n');
    expect(await reasons(result.id)).toEqual(['2:identity_conflict']);
  });
});

describe('groups and consent from the file', () => {
  it('adds every contact to the chosen group and to the groups of a group column (created when missing)', async () => {
    const target = json<{ id: string }>(await call(ctx, org.owner, 'POST', '/api/v1/groups', { name: 'Feira 2025' }));
    const file = 'Nome,Telefone,Grupos,Consentimento\nG1,11 92222-0001,Clientes VIP; Leads,sim\nG2,11 92222-0002,leads,não\nG3,11 92222-0003,,talvez\n';
    const { result } = await importFile(ctx, org.owner, 'g.csv', file, { groupId: target.id });
    expect(result.counts).toEqual({ created: 2, updated: 0, skipped: 0, failed: 1 });
    expect(await reasons(result.id)).toEqual(['4:consent_invalid']);
    const g1 = (await contactsOf('q=G1'))[0]!;
    expect(g1.groups.map((g) => g.name).sort()).toEqual(['Clientes VIP', 'Feira 2025', 'Leads']);
    expect(g1.marketingConsent).toBe('granted');
    const g2 = (await contactsOf('q=G2'))[0]!;
    expect(g2.groups.map((g) => g.name).sort()).toEqual(['Feira 2025', 'Leads']);
    expect(g2.marketingConsent).toBe('revoked');
    const ledger = json<{ items: { source: string; status: string; textShown: string }[] }>(await call(ctx, org.owner, 'GET', `/api/v1/contacts/${g1.id}/consents`));
    expect(ledger.items).toEqual([expect.objectContaining({ source: 'import', status: 'granted', textShown: expect.stringContaining('g.csv') })]);
  });

  it('reports rows naming groups that do not exist when creating them is off', async () => {
    const { result } = await importFile(ctx, org.owner, 'g2.csv', 'Nome,Telefone,Grupo\nH1,11 93333-0001,Inexistente\nH2,11 93333-0002,leads\n', { createMissingGroups: false });
    expect(await reasons(result.id)).toEqual(['2:group_not_found']);
    expect(result.counts.created).toBe(1);
  });
});

describe('templates', () => {
  it('offers CSV and XLSX templates with the organization\'s columns, which import back', async () => {
    await call(ctx, org.owner, 'POST', '/api/v1/contact-fields', { label: 'Plano', component: 'select', options: ['Básico', 'Pro'] });
    const csv = await call(ctx, org.owner, 'GET', '/api/v1/contacts/imports/template.csv');
    expect(csv.headers['content-disposition']).toContain('modelo-contatos.csv');
    const text = csv.rawPayload.toString('utf8');
    expect(text.split('\r\n')[0]).toBe('\ufeffNome,Sobrenome,Telefone,E-mail,Endereço,Cidade,Estado,CEP,País,Observações,Grupos,Consentimento de marketing,Plano');
    const { analysis, result } = await importFile(ctx, org.owner, 'modelo.csv', csv.rawPayload);
    expect(analysis.suggestedMapping).toEqual(['firstName', 'lastName', 'phone', 'email', 'street', 'city', 'state', 'postalCode', 'country', 'notes', 'group', 'marketingConsent', 'field:plano']);
    expect(result.counts).toEqual({ created: 1, updated: 0, skipped: 0, failed: 0 });

    const xlsx = await call(ctx, org.owner, 'GET', '/api/v1/contacts/imports/template.xlsx?lang=en');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.getRow(1).values).toEqual([undefined, 'First name', 'Last name', 'Phone', 'Email', 'Street', 'City', 'State', 'Postal code', 'Country', 'Notes', 'Groups', 'Marketing consent', 'Plano']);
  });
});

describe('cancel', () => {
  it('cancels an import before it starts and deletes its file', async () => {
    const up = json<{ id: string }>(await upload(ctx, org.owner, 'c.csv', 'Nome,Telefone\nC1,11 94444-0001\n'));
    const res = await call(ctx, org.owner, 'POST', `/api/v1/contacts/imports/${up.id}/cancel`);
    expect(json(res).status).toBe('cancelled');
    expect((await call(ctx, org.owner, 'POST', `/api/v1/contacts/imports/${up.id}/cancel`)).statusCode).toBe(409);
    expect((await call(ctx, org.owner, 'POST', `/api/v1/contacts/imports/${up.id}/start`, { mapping: ['firstName', 'phone'] })).statusCode).toBe(409);
  });

  it('discards uploads left at the mapping step for a day, with their files', async () => {
    const up = json<{ id: string }>(await upload(ctx, org.owner, 'left.csv', 'Nome,Telefone\nL1,11 94444-0002\n'));
    const dir = path.join(ctx.dataDir, 'files/imports', org.organizationId);
    expect(fs.readdirSync(dir)).toContain(up.id);
    await ctx.container.database.rows(sql`update contact_imports set created_at = now() - interval '25 hours' where id = ${up.id}::uuid`);
    await pruneImportsHandler(ctx.container)({}, { jobId: 'x', attempt: 1, signal: new AbortController().signal, heartbeat: async () => {} });
    expect(json(await call(ctx, org.owner, 'GET', `/api/v1/contacts/imports/${up.id}`)).status).toBe('cancelled');
    expect(fs.readdirSync(dir)).not.toContain(up.id);
  });

  it('stops a running import before its next batch; what was done stays and adds up', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `R${i},11 9${String(5000_0000 + i)}`);
    const up = json<{ id: string; suggestedMapping: string[] }>(await upload(ctx, org.owner, 'big.csv', `Nome,Telefone\n${rows.join('\n')}\n`));
    await call(ctx, org.owner, 'POST', `/api/v1/contacts/imports/${up.id}/start`, { mapping: up.suggestedMapping, dedupe: 'update' });
    // The first batch commits, then a person presses "cancel".
    await runImport(ctx.container, up.id, { stopAfterBatches: 1, batchSize: 2000 }).catch(() => {});
    const cancel = json<ImportView & { cancelRequested: boolean }>(await call(ctx, org.owner, 'POST', `/api/v1/contacts/imports/${up.id}/cancel`));
    expect(cancel).toMatchObject({ status: 'running', cancelRequested: true });
    await runImport(ctx.container, up.id, { batchSize: 2000 });
    const done = json<ImportView>(await call(ctx, org.owner, 'GET', `/api/v1/contacts/imports/${up.id}`));
    expect(done.status).toBe('cancelled');
    expect(done.rowsProcessed).toBe(2000);
    expectTotals(done, 2000);
    const [{ n }] = (await ctx.container.database.rows<{ n: number }>(sql`select count(*)::int as n from contacts where organization_id = ${org.organizationId}::uuid and first_name like 'R%'`)) as [{ n: number }];
    expect(n).toBe(2000);
  });
});
