import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, json, type TestContext } from '../../../test/support/context.ts';
import { addMember, call, createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { multipart } from '../../../test/support/multipart.ts';
import { type EmulatedNumber, eventually, getJson, startWhatsAppHarness, type WhatsAppHarness } from '../../../test/support/whatsapp.ts';
import type { TemplateView } from './templates.schemas.ts';

let ctx: TestContext;
let wa: WhatsAppHarness;
let org: TestOrg;
let number: EmulatedNumber;

beforeAll(async () => {
  ctx = await createTestContext();
  wa = await startWhatsAppHarness(ctx);
  org = await createOrg(ctx, { language: 'es' });
  number = await wa.connect(org);
}, 60_000);
afterAll(async () => {
  await wa?.close();
  await ctx?.close();
});

const draft = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  language: 'es',
  category: 'utility',
  body: { text: 'Hola {{1}}, tu pedido {{2}} ya salió.', examples: { '1': 'Ana', '2': '4471' } },
  footer: { text: 'Tienda Aurora' },
  buttons: [{ type: 'url', text: 'Seguir', url: 'https://tienda.example/t/{{1}}', example: '4471' }],
  ...extra,
});

/** Runs jobs until the template's status is no longer pending (the review webhook was processed). */
async function reviewed(id: string): Promise<TemplateView> {
  return eventually(
    async () => {
      await ctx.runJobs();
      const t = await getJson<TemplateView>(ctx, org.owner, `/api/v1/templates/${id}`);
      return t.status !== 'pending' ? t : undefined;
    },
    10_000,
    'the template review',
  );
}

describe('templates against the emulator', () => {
  it('explains lint problems in the caller\'s language without submitting anything', async () => {
    const res = await call(ctx, org.owner, 'POST', '/api/v1/templates/lint', draft('Mi Plantilla', { body: { text: '{{1}} {{2}} listo', examples: { '1': 'Ana' } } }));
    expect(res.statusCode, res.body).toBe(200);
    const result = json<{ valid: boolean; issues: { code: string; path: string; message: string }[]; preview: { body: string } }>(res);
    expect(result.valid).toBe(false);
    expect(result.issues.map((i) => i.code)).toEqual(expect.arrayContaining(['name_invalid', 'variable_adjacent', 'variable_at_start', 'variable_example_missing']));
    expect(result.issues.find((i) => i.code === 'name_invalid')?.message).toContain('mi_plantilla');
    expect(result.preview.body).toBe('Ana {{2}} listo');
    const templates = await wa.control('GET', `/_emulator/templates?wabaId=${number.wabaId}`);
    expect((templates.body as { data: { name: string }[] }).data.map((t) => t.name)).toEqual(['hello_world']);
  });

  it('refuses an invalid template with every problem under its field', async () => {
    const res = await call(ctx, org.owner, 'POST', '/api/v1/templates', draft('bad', { buttons: [{ type: 'url', text: 'Web', url: 'https://a.example/{{1}}/x' }] }));
    expect(res.statusCode, res.body).toBe(400);
    const problem = json<{ code: string; errors: { path: string; message: string }[] }>(res);
    expect(problem.code).toBe('template_invalid');
    expect(problem.errors.map((e) => e.path)).toEqual(['buttons.0.url', 'buttons.0.example']);
    expect(problem.errors[0]!.message).toMatch(/^Un botón de sitio web/);
  });

  it('submits → pending → approved by webhook; rejected with the reason; name taken', async () => {
    const res = await call(ctx, org.owner, 'POST', '/api/v1/templates', draft('pedido_enviado'));
    expect(res.statusCode, res.body).toBe(201);
    const created = json<TemplateView>(res);
    expect(created).toMatchObject({ status: 'pending', parameterFormat: 'positional', channelId: number.channelId });
    expect(created.metaTemplateId).toMatch(/^\d+$/);
    expect(created.parameters.map((p) => p.key)).toEqual(['body.1', 'body.2', 'button.0']);
    const approved = await reviewed(created.id);
    expect(approved).toMatchObject({ status: 'approved', statusReason: null, statusExplanation: 'Aprobada: la plantilla se puede enviar.' });

    const again = await call(ctx, org.owner, 'POST', '/api/v1/templates', draft('pedido_enviado'));
    expect(again.statusCode).toBe(409);
    expect(json(again).code).toBe('template_name_taken');

    const rejected = json<TemplateView>(await call(ctx, org.owner, 'POST', '/api/v1/templates', draft('promo_reject_me', { category: 'marketing' })));
    const after = await reviewed(rejected.id);
    expect(after).toMatchObject({ status: 'rejected', statusReason: 'INVALID_FORMAT' });
    expect(after.statusExplanation).toContain('Meta rechazó la plantilla.');

    // A rejected template may be edited; it goes back to review.
    const edit = await call(ctx, org.owner, 'PATCH', `/api/v1/templates/${rejected.id}`, { body: { text: 'Hola {{1}}, hoy hay rebajas para ti.', examples: { '1': 'Ana' } } });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(json<TemplateView>(edit)).toMatchObject({ status: 'pending', body: { text: 'Hola {{1}}, hoy hay rebajas para ti.' } });
    // Still pending: Meta refuses edits during review.
    const during = await call(ctx, org.owner, 'PATCH', `/api/v1/templates/${rejected.id}`, { footer: null });
    expect(during.statusCode).toBe(409);
    expect(json(during).code).toBe('template_not_editable');
  });

  it('imports templates created elsewhere with "sync", lists and filters them', async () => {
    const seeded = await wa.control('POST', '/_emulator/templates', {
      wabaId: number.wabaId,
      name: 'bienvenida',
      language: 'es',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Bienvenida a la tienda, {{1}}.', example: { body_text: [['Ana']] } }],
      status: 'APPROVED',
    });
    expect(seeded.status).toBe(201);
    const sync = await call(ctx, org.owner, 'POST', '/api/v1/templates/sync', {});
    expect(sync.statusCode, sync.body).toBe(200);
    expect(json<{ created: number }>(sync).created).toBe(2); // bienvenida and Meta's hello_world

    const list = await getJson<{ items: TemplateView[] }>(ctx, org.owner, '/api/v1/templates?status=approved&category=marketing');
    expect(list.items.map((t) => t.name)).toEqual(['bienvenida']);
    expect(list.items[0]!.preview.body).toBe('Bienvenida a la tienda, Ana.');
    const search = await getJson<{ items: TemplateView[] }>(ctx, org.owner, '/api/v1/templates?q=a%20la%20tienda');
    expect(search.items.map((t) => t.name).sort()).toEqual(['bienvenida']);

    // Deleted at Meta → removed by the next sync.
    await wa.control('POST', '/_emulator/reset', {});
    await wa.control('POST', '/_emulator/phone-numbers', { phoneNumberId: number.phoneNumberId, wabaId: number.wabaId, accessToken: number.accessToken, appSecret: number.appSecret, webhookUrl: number.webhookUrl });
    const second = json<{ removed: number; created: number }>(await call(ctx, org.owner, 'POST', '/api/v1/templates/sync', {}));
    expect(second.removed).toBeGreaterThanOrEqual(3);
  });

  it('uploads a media header sample through Meta\'s upload API', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64)]);
    const form = multipart({}, { filename: 'oferta.png', contentType: 'image/png', data: png });
    const up = await ctx.app.inject({ method: 'POST', url: '/api/v1/files', headers: { authorization: `Bearer ${org.apiKey}`, ...form.headers }, payload: form.payload });
    expect(up.statusCode, up.body).toBe(201);
    const fileId = json<{ id: string }>(up).id;
    const res = await call(ctx, org.owner, 'POST', '/api/v1/templates', draft('oferta_con_imagen', { category: 'marketing', header: { format: 'image', example: { fileId } } }));
    expect(res.statusCode, res.body).toBe(201);
    const t = json<TemplateView>(res);
    expect(t.header).toMatchObject({ format: 'image', example: { handle: expect.stringMatching(/^4::/) } });
    expect(t.parameters[0]).toMatchObject({ key: 'header.media', kind: 'image' });
    const wrongType = await call(ctx, org.owner, 'POST', '/api/v1/templates/lint', draft('x', { header: { format: 'video', example: { fileId } } }));
    expect(json<{ issues: { code: string }[] }>(wrongType).issues.map((i) => i.code)).toEqual(['header_media_type']);
  });

  it('deletes at Meta and here; agents may read but not write', async () => {
    const t = json<TemplateView>(await call(ctx, org.owner, 'POST', '/api/v1/templates', draft('para_borrar')));
    const agent = await addMember(ctx, org, 'agent');
    expect((await call(ctx, agent.caller, 'GET', `/api/v1/templates/${t.id}`)).statusCode).toBe(200);
    expect((await call(ctx, agent.caller, 'DELETE', `/api/v1/templates/${t.id}`)).statusCode).toBe(403);
    const del = await call(ctx, org.owner, 'DELETE', `/api/v1/templates/${t.id}`);
    expect(del.statusCode, del.body).toBe(204);
    expect((await call(ctx, org.owner, 'GET', `/api/v1/templates/${t.id}`)).statusCode).toBe(404);
    const remote = (await wa.control('GET', `/_emulator/templates?wabaId=${number.wabaId}`)).body as { data: { name: string }[] };
    expect(remote.data.map((r) => r.name)).not.toContain('para_borrar');
  });
});
