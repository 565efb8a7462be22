import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { expectTotals, type ImportView, importFile, upload } from './helpers.ts';

let ctx: TestContext;
let org: TestOrg;
const SAMPLE = fs.readFileSync(path.resolve(import.meta.dirname, '../demo/contacts-sample.csv'));
type Errors = { items: { rowNumber: number; field: string; reason: string; params: Record<string, unknown>; message: string; cells: string[] }[] };
type Contact = { id: string; firstName: string; lastName: string; phone: string | null; email: string | null; customFields: Record<string, unknown>; groups: { name: string }[]; marketingConsent: string | null };

const errorsOf = async (id: string, o = org) => json<Errors>(await call(ctx, o.owner, 'GET', `/api/v1/contacts/imports/${id}/errors?limit=200`)).items;
const contactsOf = async (query = '', o = org) => json<{ items: Contact[] }>(await call(ctx, o.owner, 'GET', `/api/v1/contacts?limit=200&${query}`)).items;
const refused = async (name: string, data: Buffer | string, status: number, code: string) => {
  const res = await upload(ctx, org.owner, name, data);
  expect(res.statusCode, res.body).toBe(status);
  expect(json(res).code).toBe(code);
};
async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Contactos');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { language: 'es' });
  await call(ctx, org.owner, 'PATCH', '/api/v1/organization', { country: 'CO' });
  const f = await call(ctx, org.owner, 'POST', '/api/v1/contact-fields', { label: 'Tipo de cliente', component: 'select', options: ['Cotización', 'Compra', 'Recompra'] });
  expect(f.statusCode, f.body).toBe(201);
});
afterAll(() => ctx.close());

describe('the sample file of the guide', () => {
  let result: ImportView;
  it('auto-maps the Spanish headers, imports the good rows and reports the others by row, field and reason', async () => {
    const r = await importFile(ctx, org.owner, 'contacts-sample.csv', SAMPLE);
    result = r.result;
    expect(r.analysis).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ',', estimatedRows: 10 });
    expect(r.analysis.suggestedMapping).toEqual(['firstName', 'lastName', 'phone', 'email', 'city', 'group', 'field:tipo_de_cliente']);
    expect(result.status).toBe('completed');
    expectTotals(result, 10);
    // Row 6 (3001234567 in Colombia) and row 8 are the same phone as row 2: merged into one contact.
    expect(result.counts).toEqual({ created: 5, updated: 2, skipped: 0, failed: 3 });
    const errors = await errorsOf(result.id);
    expect(errors.map((e) => [e.rowNumber, e.field, e.reason])).toEqual([
      [9, 'email', 'email_invalid'],
      [10, 'phone', 'phone_has_letters'],
      [11, 'row', 'row_malformed'],
    ]);
    expect(errors[0]!.message).toBe('El correo «luis@@example» no es válido.');
    const en = json<Errors>(await call(ctx, org.owner, 'GET', `/api/v1/contacts/imports/${result.id}/errors?lang=en`));
    expect(en.items[1]!.message).toBe('The phone "+57 31A 222 33B4" contains letters.');
  });

  it('created the groups of the group column and stored custom field values', async () => {
    const vip = await contactsOf('q=fernandez');
    expect(vip[0]).toMatchObject({ phone: '+34612345678', customFields: { tipo_de_cliente: 'Compra' }, groups: [{ name: 'Clientes VIP' }] });
    const pedro = await contactsOf('q=pedro@example.com');
    expect(pedro[0]).toMatchObject({ phone: null, email: 'pedro@example.com' });
  });

  it('offers the error report as a CSV in the person\'s language, formulas neutralized', async () => {
    const res = await call(ctx, org.owner, 'GET', `/api/v1/contacts/imports/${result.id}/errors.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('contacts-sample-errors.csv');
    const text = res.rawPayload.toString('utf8');
    expect(text.startsWith('\ufeffFila,Campo,Motivo,Nombre,Apellido,Teléfono,Correo,Ciudad,Grupo,Tipo de cliente\r\n')).toBe(true);
    expect(text).toContain('9,Correo electrónico,El correo «luis@@example» no es válido.,Luis,Correo Malo');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example""`);
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});

describe('formats and encodings', () => {
  it('reads XLSX: numbers as phones, rich text, formulas by their result', async () => {
    const file = await xlsx([
      ['Nome', 'Sobrenome', 'Celular', 'E-mail', 'Tipo de cliente'],
      ["Ana", "Souza", 5511912345678, 'ana.souza@example.com.br', 'compra'],
      [{ richText: [{ text: 'Bea' }, { text: 'triz' }] }, 'Lima', '+55 21 99876-5432', { text: 'bea@example.com', hyperlink: 'mailto:bea@example.com' }, 'Recompra'],
      ['Caio', { formula: 'UPPER("x")', result: 'X' }, '+55 (11) 9 1234-5678', 'caio@example', 'Compra'],
      [],
      ['Duda', 'Reis', 'not a phone', 'duda@example.com', 'Venta'],
    ]);
    const { analysis, result } = await importFile(ctx, org.owner, 'contatos.xlsx', file);
    expect(analysis).toMatchObject({ format: 'xlsx', estimatedRows: null });
    expect(analysis.suggestedMapping).toEqual(['firstName', 'lastName', 'phone', 'email', 'field:tipo_de_cliente']);
    expectTotals(result, 4);
    expect(result.counts).toMatchObject({ created: 2, failed: 2 });
    expect((await errorsOf(result.id)).map((e) => [e.rowNumber, e.reason])).toEqual([
      [4, 'email_invalid'],
      [6, 'phone_has_letters'],
    ]);
    expect((await contactsOf('q=beatriz'))[0]).toMatchObject({ phone: '+5521998765432', email: 'bea@example.com', customFields: { tipo_de_cliente: 'Recompra' } });
  });

  it('reads Latin-1 with semicolons (Excel in Spanish), UTF-8 with BOM and tabs, UTF-16, and mixed encodings', async () => {
    const latin1 = Buffer.from('Nombre;Apellido;Teléfono;Correo\r\nJosé;Muñoz;+57 301 000 0001;jose.munoz@example.com\r\n', 'latin1');
    const r1 = await importFile(ctx, org.owner, 'excel-es.csv', latin1);
    expect(r1.analysis).toMatchObject({ encoding: 'windows-1252', delimiter: ';' });
    expect((await contactsOf('q=munoz'))[0]).toMatchObject({ firstName: 'José', lastName: 'Muñoz' });

    const bomTab = Buffer.from('\ufeffName\tPhone\tEmail\nÍñigo\t+57 301 000 0002\tinigo@example.com\n');
    const r2 = await importFile(ctx, org.owner, 'tabs.tsv', bomTab);
    expect(r2.analysis).toMatchObject({ encoding: 'utf-8-bom', delimiter: '\t', headers: ['Name', 'Phone', 'Email'] });
    expect((await contactsOf('q=inigo'))[0]!.firstName).toBe('Íñigo');

    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Nombre\tTeléfono\r\nÑusta\t+57 301 000 0003\r\n', 'utf16le')]);
    const r3 = await importFile(ctx, org.owner, 'unicode.txt', utf16);
    expect(r3.analysis).toMatchObject({ encoding: 'utf-16le', delimiter: '\t' });
    expect((await contactsOf('q=nusta'))[0]!.firstName).toBe('Ñusta');

    const mixed = Buffer.concat([Buffer.from('Nombre,Teléfono\nConceição,+57 301 000 0004\n'), Buffer.from('Gonçalves,+57 301 000 0005\n', 'latin1')]);
    const r4 = await importFile(ctx, org.owner, 'mixed.csv', mixed);
    expect(r4.result.counts.created).toBe(2);
    expect((await contactsOf('q=goncalves'))[0]!.firstName).toBe('Gonçalves');
  });
});

describe('bad input', () => {
  it('refuses files that cannot be imported, leaving nothing behind', async () => {
    await refused('empty.csv', '', 422, 'file_empty');
    await refused('header-only.csv', 'Nombre,Teléfono\n', 422, 'file_has_no_data_rows');
    await refused('image.csv', Buffer.from('89504e470d0a1a0a0000000d4948445200', 'hex'), 422, 'file_binary');
    await refused('old.xls', Buffer.from('d0cf11e0a1b11ae1000000000000', 'hex'), 422, 'file_xls_unsupported');
    const book = await xlsx([['Nombre', 'Teléfono'], ['Ana', '+57 301 000 0009']]);
    await refused('cut.xlsx', book.subarray(0, Math.floor(book.length * 0.6)), 422, 'file_truncated');
    await refused('wide.csv', `${Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',')}\n${'x,'.repeat(9_999)}x\n`, 422, 'too_many_columns');
    await refused('one-line.csv', 'a'.repeat(2 * 1024 * 1024), 422, 'header_too_long');
    const [{ n }] = (await ctx.container.database.rows<{ n: number }>(sql`select count(*)::int as n from contact_imports where organization_id = ${org.organizationId}::uuid and status = 'uploaded'`)) as [{ n: number }];
    expect(n).toBe(0);
    expect(fs.existsSync(path.join(ctx.dataDir, 'files/imports', org.organizationId)) ? fs.readdirSync(path.join(ctx.dataDir, 'files/imports', org.organizationId)) : []).toEqual([]);
  });

  it('refuses a 200 MB upload as it streams, without keeping it', async () => {
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const boundary = 'BIGBOUNDARY';
    const chunk = Buffer.alloc(1024 * 1024, 'Ana,+57 301 000 0000,ana@example.com\n');
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\nNombre,Teléfono,Correo\n`));
      },
      pull(controller) {
        if (sent >= 200) {
          controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
          controller.close();
          return;
        }
        sent++;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${address}/api/v1/contacts/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' }).catch((err: Error) => err);
    if (res instanceof Error) {
      // The server may close the connection once it has answered; the answer is checked through the state.
      expect(sent).toBeLessThan(200);
    } else {
      expect(res.status).toBe(413);
      expect(((await res.json()) as { code: string }).code).toBe('file_too_large');
    }
    const dir = path.join(ctx.dataDir, 'files/imports', org.organizationId);
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  });

  it('imports a truncated CSV up to where it stops, reporting the cut row', async () => {
    const { result } = await importFile(ctx, org.owner, 'cut.csv', 'Nombre,Teléfono,Correo\nA1,+57 301 100 0001,a1@example.com\nA2,"+57 301 100 00');
    expectTotals(result, 2);
    expect(result.counts).toMatchObject({ created: 1, failed: 1 });
  });

  it('reports every kind of bad phone and e-mail, duplicate headers and missing required fields', async () => {
    const es = await createOrg(ctx, { language: 'en' });
    await call(ctx, es.owner, 'PATCH', '/api/v1/organization', { country: 'ES' });
    await call(ctx, es.owner, 'POST', '/api/v1/contact-fields', { label: 'DNI', component: 'input', inputType: 'text', required: true });
    const csv = [
      'Name,Phone,Email,Phone,DNI',
      'Brasil,+55 (11) 9 8765-4321,b@example.com,ignored,1',
      'Prefijo,0034 622 111 333,p@example.com,,2',
      'Nacional,612345678,n@example.com,,3',
      'Letras,61234567A,l@example.com,,4',
      'Corto,123,c@example.com,,5',
      'Correo,+34 622 000 111,bad@,,6',
      'SinDNI,+34 622 000 222,s@example.com,,',
      'Nada,,,,7',
      'Repetido,+34 612 345 678,r@example.com,,8',
    ].join('\n');
    const up = json<{ id: string; suggestedMapping: string[]; duplicateColumns: number[] }>(await upload(ctx, es.owner, 'bad.csv', csv));
    expect(up.suggestedMapping).toEqual(['firstName', 'phone', 'email', 'ignore', 'field:dni']);
    expect(up.duplicateColumns).toEqual([3]);
    const twice = await call(ctx, es.owner, 'POST', `/api/v1/contacts/imports/${up.id}/start`, { mapping: ['firstName', 'phone', 'email', 'phone', 'field:dni'], dedupe: 'create' });
    expect(twice.statusCode).toBe(400);
    expect(json<{ code: string; errors: { path: string }[] }>(twice)).toMatchObject({ code: 'mapping_invalid', errors: [{ path: 'mapping.3' }] });
    expect((await call(ctx, es.owner, 'POST', `/api/v1/contacts/imports/${up.id}/start`, { mapping: ['firstName'], dedupe: 'create' })).statusCode).toBe(400);
    const noId = await call(ctx, es.owner, 'POST', `/api/v1/contacts/imports/${up.id}/start`, { mapping: ['firstName', 'ignore', 'ignore', 'ignore', 'ignore'], dedupe: 'create' });
    expect(json(noId).code).toBe('mapping_needs_identity');
    const ok = await call(ctx, es.owner, 'POST', `/api/v1/contacts/imports/${up.id}/start`, { mapping: up.suggestedMapping, dedupe: 'create' });
    expect(ok.statusCode, ok.body).toBe(202);
    expect((await call(ctx, es.owner, 'POST', `/api/v1/contacts/imports/${up.id}/start`, { mapping: up.suggestedMapping, dedupe: 'create' })).statusCode).toBe(409);
    await ctx.runJobs();
    const result = json<ImportView>(await call(ctx, es.owner, 'GET', `/api/v1/contacts/imports/${up.id}`));
    expectTotals(result, 9);
    expect(result.counts).toEqual({ created: 3, updated: 0, skipped: 0, failed: 6 });
    expect((await errorsOf(up.id, es)).map((e) => [e.rowNumber, e.field, e.reason])).toEqual([
      [5, 'phone', 'phone_has_letters'],
      [6, 'phone', 'phone_too_short'],
      [7, 'email', 'email_invalid'],
      [8, 'field:dni', 'required_missing'],
      [9, 'phone', 'missing_phone_and_email'],
      [10, 'phone', 'duplicate_in_file'],
    ]);
    expect((await errorsOf(up.id, es))[3]!.message).toBe('The required field "DNI" is missing.');
    expect((await contactsOf('', es)).map((c) => c.phone).sort()).toEqual(['+34612345678', '+34622111333', '+5511987654321']);
  });
});
