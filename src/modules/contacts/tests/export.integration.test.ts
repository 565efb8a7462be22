import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { addMember, call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { neutralizeFormula } from '../spreadsheet-output.ts';
import { importFile } from './helpers.ts';

let ctx: TestContext;
let org: TestOrg;
let vip: string;

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { language: 'es' });
  await call(ctx, org.owner, 'PATCH', '/api/v1/organization', { country: 'CO' });
  await call(ctx, org.owner, 'POST', '/api/v1/contact-fields', { label: 'Tipo de cliente', component: 'select', options: ['Compra', 'Recompra'] });
  vip = json<{ id: string }>(await call(ctx, org.owner, 'POST', '/api/v1/groups', { name: 'VIP' })).id;
  await call(ctx, org.owner, 'POST', '/api/v1/contacts', { firstName: '=HYPERLINK("http://evil.example","click")', lastName: '@SUM(1+1)', phone: '+57 312 000 1111', email: 'formula@example.com', notes: '-2+3+cmd|\' /C calc\'!A0', groupIds: [vip] });
  await call(ctx, org.owner, 'POST', '/api/v1/contacts', { firstName: 'María José', lastName: 'Gómez Pérez', phone: '300 123 4567', email: 'mj@example.com', address: { city: 'Bogotá' }, customFields: { tipo_de_cliente: 'Recompra' }, groupIds: [vip] });
  await call(ctx, org.owner, 'POST', '/api/v1/contacts', { firstName: 'João', lastName: 'Conceição', phone: '+55 11 98765-4321' });
});
afterAll(() => ctx.close());

describe('neutralizeFormula', () => {
  it('prefixes cells that spreadsheets would run, keeps plain numbers', () => {
    expect(neutralizeFormula('=1+1')).toBe("'=1+1");
    expect(neutralizeFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutralizeFormula('+cmd|x')).toBe("'+cmd|x");
    expect(neutralizeFormula('-2+3+cmd')).toBe("'-2+3+cmd");
    expect(neutralizeFormula('\t=1')).toBe("'\t=1");
    expect(neutralizeFormula('\r=1')).toBe("'\r=1");
    expect(neutralizeFormula('+573001234567')).toBe('+573001234567');
    expect(neutralizeFormula('-12.5')).toBe('-12.5');
    expect(neutralizeFormula('María')).toBe('María');
  });
});

describe('contacts export', () => {
  it('CSV: UTF-8 with BOM, accents intact, formulas neutralized, template columns with custom fields', async () => {
    const res = await call(ctx, org.owner, 'GET', '/api/v1/contacts/export?format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"/);
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const rows = Papa.parse<string[]>(text.trim()).data;
    expect(rows[0]).toEqual([
      'Nombre', 'Apellido', 'Teléfono', 'Correo electrónico', 'Calle', 'Ciudad', 'Estado', 'Código postal', 'País', 'Notas', 'Grupos',
      'Consentimiento de marketing', 'Tipo de cliente', 'Origen', 'Creado', 'Última actividad', 'ID',
    ]);
    expect(rows).toHaveLength(4);
    const evil = rows.find((r) => r[3] === 'formula@example.com')!;
    expect(evil.slice(0, 3)).toEqual(['\'=HYPERLINK("http://evil.example","click")', "'@SUM(1+1)", '+573120001111']);
    expect(evil[9]).toBe("'-2+3+cmd|' /C calc'!A0");
    const mj = rows.find((r) => r[3] === 'mj@example.com')!;
    expect(mj.slice(0, 6)).toEqual(['María José', 'Gómez Pérez', '+573001234567', 'mj@example.com', '', 'Bogotá']);
    expect(mj[10]).toBe('VIP');
    expect(mj[12]).toBe('Recompra');
    for (const r of rows.slice(1)) for (const cell of r) expect(cell).not.toMatch(/^[=@]/);
  });

  it('filters like the list and exports XLSX that re-imports cleanly', async () => {
    const res = await call(ctx, org.owner, 'GET', `/api/v1/contacts/export?format=xlsx&groupId=${vip}&lang=en`);
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(3);
    expect(ws.getRow(1).getCell(1).value).toBe('First name');
    const names: unknown[] = [];
    ws.eachRow((row, n) => n > 1 && names.push(row.getCell(1).value));
    expect(names.sort()).toEqual(["'=HYPERLINK(\"http://evil.example\",\"click\")", 'María José'].sort());
    expect(ws.getRow(2).getCell(1).formula).toBeUndefined();

    const other = await createOrg(ctx, { language: 'en' });
    await call(ctx, other.owner, 'PATCH', '/api/v1/organization', { country: 'CO' });
    const { analysis, result } = await importFile(ctx, other.owner, 'export.xlsx', res.rawPayload);
    expect(analysis.suggestedMapping.slice(0, 12)).toEqual(['firstName', 'lastName', 'phone', 'email', 'street', 'city', 'state', 'postalCode', 'country', 'notes', 'group', 'marketingConsent']);
    expect(result.counts).toMatchObject({ created: 2, failed: 0 });
  });

  it('is limited to owners and managers', async () => {
    const agent = await addMember(ctx, org, 'agent');
    expect((await call(ctx, agent.caller, 'GET', '/api/v1/contacts/export')).statusCode).toBe(403);
  });
});
