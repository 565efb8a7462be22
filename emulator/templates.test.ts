import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreateTemplateInput } from '../src/adapters/whatsapp-cloud/types.ts';
import { CUSTOMER, setup, waitFor } from './test-helpers.ts';

let env: Awaited<ReturnType<typeof setup>>;
beforeEach(async () => {
  env = await setup();
});
afterEach(async () => {
  await env.close();
});

const orderUpdate: CreateTemplateInput = {
  name: 'order_update',
  language: 'es',
  category: 'UTILITY',
  components: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1n'] } },
    { type: 'BODY', text: 'Hola {{1}}, tu pedido {{2}} ya salió.', example: { body_text: [['Ana', '4471']] } },
    { type: 'FOOTER', text: 'Tienda Aurora' },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Parar avisos' }, { type: 'URL', text: 'Seguir', url: 'https://shop.example/t/{{1}}', example: ['https://shop.example/t/4471'] }] },
  ],
};

describe('templates', () => {
  it('goes PENDING → APPROVED with a signed status webhook, then sends with the right parameters', async () => {
    const created = await env.client.createTemplate(orderUpdate);
    expect(created).toMatchObject({ status: 'PENDING', category: 'UTILITY' });
    const update = await waitFor(() => env.receiver.received.flatMap((r) => r.parsed.templateUpdates).find((u) => u.templateId === created.id));
    expect(update).toMatchObject({ event: 'APPROVED', name: 'order_update', language: 'es', wabaId: '102290129340398' });
    expect(env.receiver.received.every((r) => r.signatureValid)).toBe(true);

    const [listed] = await env.client.listAllTemplates({ name: 'order_update' });
    expect(listed).toMatchObject({ id: created.id, status: 'APPROVED', components: orderUpdate.components });

    await env.customerSays('hola');
    const wrongCount = await env.client
      .sendMessage(CUSTOMER, { type: 'template', name: 'order_update', languageCode: 'es', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }] })
      .catch((err: unknown) => err);
    expect(wrongCount).toMatchObject({ code: 132000, classification: 'permanent' });
    const wrongHeader = await env.client
      .sendMessage(CUSTOMER, {
        type: 'template',
        name: 'order_update',
        languageCode: 'es',
        components: [
          { type: 'header', parameters: [{ type: 'video', media: { link: 'https://x.example/v.mp4' } }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '4471' }] },
          { type: 'button', subType: 'url', index: 1, text: '4471' },
        ],
      })
      .catch((err: unknown) => err);
    expect(wrongHeader).toMatchObject({ code: 132012 });
    const ok = await env.client.sendMessage(CUSTOMER, {
      type: 'template',
      name: 'order_update',
      languageCode: 'es',
      components: [
        { type: 'header', parameters: [{ type: 'image', media: { link: 'https://x.example/box.jpg' } }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '4471' }] },
        { type: 'button', subType: 'quick_reply', index: 0, payload: 'STOP' },
        { type: 'button', subType: 'url', index: 1, text: '4471' },
      ],
    });
    expect(ok.messageStatus).toBe('accepted');
    const outbox = await env.control('GET', `/_emulator/outbox?to=${CUSTOMER}`);
    expect(outbox.body.data.at(-1).preview).toMatchObject({ kind: 'template', body: 'Hola Ana, tu pedido 4471 ya salió.', buttons: [{ payload: 'STOP' }, { url: 'https://shop.example/t/4471' }] });
  });

  it('rejects by the configured rule, refuses paused templates and deletes', async () => {
    const rejected = await env.client.createTemplate({ ...orderUpdate, name: 'please_reject_me' });
    const update = await waitFor(() => env.receiver.received.flatMap((r) => r.parsed.templateUpdates).find((u) => u.templateId === rejected.id));
    expect(update).toMatchObject({ event: 'REJECTED', reason: 'INVALID_FORMAT' });
    expect(update.rejectionInfo?.recommendation).toMatch(/reject/);

    const duplicate = await env.client.createTemplate({ ...orderUpdate, name: 'please_reject_me' }).catch((err: unknown) => err);
    expect(duplicate).toMatchObject({ code: 100, subcode: 2388024 });
    const badName = await env.client.createTemplate({ ...orderUpdate, name: 'Bad Name' }).catch((err: unknown) => err);
    expect(badName).toMatchObject({ code: 100 });

    const templates = await env.control('GET', '/_emulator/templates');
    const hello = templates.body.data.find((t: { name: string }) => t.name === 'hello_world');
    await env.control('POST', `/_emulator/templates/${hello.id}/status`, { status: 'PAUSED' });
    await waitFor(() => env.receiver.received.flatMap((r) => r.parsed.templateUpdates).find((u) => u.event === 'PAUSED'));
    const paused = await env.client.sendMessage(CUSTOMER, { type: 'template', name: 'hello_world', languageCode: 'en_US' }).catch((err: unknown) => err);
    expect(paused).toMatchObject({ code: 132015 });

    await env.client.deleteTemplate('please_reject_me');
    expect((await env.client.listAllTemplates()).map((t) => t.name)).toEqual(['hello_world']);
    expect(await env.client.deleteTemplate('please_reject_me').catch((err: unknown) => err)).toMatchObject({ code: 100 });
  });

  it('pages through the template list', async () => {
    for (let i = 0; i < 5; i++) {
      await env.control('POST', '/_emulator/templates', { wabaId: '102290129340398', name: `promo_${i}`, language: 'pt_BR', components: [{ type: 'BODY', text: `Oferta ${i}` }] });
    }
    const first = await env.client.listTemplates({ limit: 2 });
    expect(first.templates).toHaveLength(2);
    expect(first.nextCursor).toBeTruthy();
    expect(await env.client.listAllTemplates()).toHaveLength(6);
  });
});
