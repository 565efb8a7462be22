import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WhatsAppCloudClient } from '../src/adapters/whatsapp-cloud/graph-client.ts';
import { GraphApiError, type OutboundMessage } from '../src/adapters/whatsapp-cloud/types.ts';
import { CUSTOMER, PHONE, setup, waitFor } from './test-helpers.ts';

let env: Awaited<ReturnType<typeof setup>>;
beforeEach(async () => {
  env = await setup();
});
afterEach(async () => {
  await env.close();
});

async function graphError(promise: Promise<unknown>): Promise<GraphApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GraphApiError) return err;
    throw err;
  }
  throw new Error('expected a GraphApiError');
}

describe('sending messages', () => {
  it('accepts every message type inside the window and records it in the outbox', async () => {
    const inbound = await env.customerSays('Olá! 😮');
    const { id: mediaId } = await env.client.uploadMedia(Buffer.from('%PDF-1.4 demo'), 'application/pdf', 'invoice.pdf');
    const messages: OutboundMessage[] = [
      { type: 'text', body: 'Olá Ana, ¿cómo estás? 👋', previewUrl: true, replyTo: inbound },
      { type: 'image', media: { link: 'https://cdn.example/box.jpg' }, caption: 'Your box' },
      { type: 'video', media: { link: 'https://cdn.example/v.mp4' } },
      { type: 'audio', media: { link: 'https://cdn.example/a.ogg' }, voice: true },
      { type: 'document', media: { id: mediaId }, filename: 'invoice.pdf', caption: 'Factura' },
      { type: 'sticker', media: { link: 'https://cdn.example/s.webp' } },
      { type: 'location', location: { latitude: -23.56, longitude: -46.65, name: 'Loja', address: 'Av. Paulista' } },
      { type: 'contacts', contacts: [{ name: { formattedName: 'Soporte' }, phones: [{ phone: '+34910000000' }] }] },
      { type: 'buttons', body: 'Confirm?', buttons: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] },
      { type: 'list', body: 'Pick one', buttonText: 'Options', sections: [{ title: 'Fast', rows: [{ id: 'express', title: 'Express', description: 'Tomorrow' }] }] },
      { type: 'cta_url', body: 'Track your order', displayText: 'Track', url: 'https://shop.example/t/1' },
      { type: 'reaction', messageId: inbound, emoji: '👍' },
      { type: 'template', name: 'hello_world', languageCode: 'en_US' },
    ];
    for (const message of messages) {
      const result = await env.client.sendMessage(CUSTOMER, message);
      expect(result.wamid).toMatch(/^wamid\./);
      expect(result.waId).toBe(CUSTOMER);
    }
    const outbox = await env.control('GET', `/_emulator/outbox?phoneNumberId=${PHONE.phoneNumberId}&to=%2B${CUSTOMER}`);
    expect(outbox.body.data.map((m: { type: string }) => m.type)).toEqual([
      'text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'interactive', 'interactive', 'interactive', 'reaction', 'template',
    ]);
    expect(outbox.body.data[0].body.context).toEqual({ message_id: inbound });
    expect(outbox.body.data[12].preview).toMatchObject({ kind: 'template', header: 'Hello World' });
  });

  it('answers Meta validation errors synchronously, classified', async () => {
    await env.customerSays('hi');
    const tooLong = await graphError(env.client.sendMessage(CUSTOMER, { type: 'text', body: 'x'.repeat(4097) }));
    expect(tooLong).toMatchObject({ code: 131009, classification: 'permanent', httpStatus: 400 });
    expect(tooLong.details).toMatch(/4096/);
    expect(tooLong.fbtraceId).toBeTruthy();
    const buttons = Array.from({ length: 4 }, (_, i) => ({ id: `b${i}`, title: `B${i}` }));
    expect((await graphError(env.client.sendMessage(CUSTOMER, { type: 'buttons', body: 'x', buttons }))).code).toBe(131009);
    expect((await graphError(env.client.sendMessage(CUSTOMER, { type: 'buttons', body: 'x', buttons: [{ id: 'a', title: 'x'.repeat(21) }] }))).code).toBe(131009);
    const rows = Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `R${i}` }));
    expect((await graphError(env.client.sendMessage(CUSTOMER, { type: 'list', body: 'x', buttonText: 'Go', sections: [{ rows }] }))).code).toBe(131009);
    expect((await graphError(env.client.sendMessage(CUSTOMER, { type: 'image', media: { link: 'https://x.example/i.jpg' }, caption: 'c'.repeat(1025) }))).code).toBe(131009);
    expect((await graphError(env.client.sendMessage('12', { type: 'text', body: 'hi' }))).code).toBe(100);
    expect((await graphError(env.client.sendMessage(CUSTOMER, { type: 'image', media: { id: '999' } }))).code).toBe(131053);
    expect((await graphError(env.client.sendMessage(CUSTOMER, { type: 'template', name: 'nope', languageCode: 'es' }))).code).toBe(132001);
    const raw = await fetch(`${env.emulator.url}/v25.0/${PHONE.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.accessToken}`, 'content-type': 'application/json' },
      body: '{"messaging_product":',
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ error: { code: 100, type: 'OAuthException', fbtrace_id: expect.any(String) } });
  });

  it('rejects bad tokens with 190 and unknown numbers with 100/33', async () => {
    const bad = new WhatsAppCloudClient({ ...PHONE, accessToken: 'wrong-token', appSecret: 'x', graphApiUrl: env.emulator.url });
    expect(await graphError(bad.sendMessage(CUSTOMER, { type: 'text', body: 'hi' }))).toMatchObject({ code: 190, httpStatus: 401, classification: 'auth' });
    const other = new WhatsAppCloudClient({ ...PHONE, phoneNumberId: '999', accessToken: env.accessToken, appSecret: 'x', graphApiUrl: env.emulator.url });
    expect(await graphError(other.getPhoneNumber())).toMatchObject({ code: 100, subcode: 33, httpStatus: 400 });
  });

  it('accepts free-form messages outside the 24-hour window, then fails them with 131047', async () => {
    await env.customerSays('hola');
    await env.control('POST', '/_emulator/clock', { advanceMs: 25 * 3600_000 });
    const { wamid } = await env.client.sendMessage(CUSTOMER, { type: 'text', body: 'late reply' });
    const failed = await waitFor(() => env.receiver.received.flatMap((r) => r.parsed.statuses).find((s) => s.wamid === wamid && s.status === 'failed'));
    expect(failed.errors?.[0]).toMatchObject({ code: 131047, title: 'Re-engagement message' });
    // Templates still go through.
    const template = await env.client.sendMessage(CUSTOMER, { type: 'template', name: 'hello_world', languageCode: 'en_US' });
    await waitFor(() => env.receiver.received.flatMap((r) => r.parsed.statuses).find((s) => s.wamid === template.wamid && s.status === 'read'));
  });

  it('limits throughput per number with 130429, retryable', async () => {
    await env.control('POST', '/_emulator/config', { throughputMps: 3 });
    await env.customerSays('hi');
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => env.client.sendMessage(CUSTOMER, { type: 'text', body: 'burst' })));
    const errors = results.flatMap((r) => (r.status === 'rejected' && r.reason instanceof GraphApiError ? [r.reason] : []));
    // 3 per second: a burst of 8 sent at once gets at least 3 through and the rest (of that second) refused.
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(3);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.length + results.filter((r) => r.status === 'fulfilled').length).toBe(8);
    expect(errors[0]).toMatchObject({ code: 130429, classification: 'rate_limited', retryable: true });
  });

  it('enforces the pair rate limit with 131056 when enabled', async () => {
    await env.control('POST', '/_emulator/config', { pairRateLimit: { enabled: true, burst: 2, intervalMs: 60_000 } });
    await env.customerSays('hi');
    await env.client.sendMessage(CUSTOMER, { type: 'text', body: '1' });
    await env.client.sendMessage(CUSTOMER, { type: 'text', body: '2' });
    expect(await graphError(env.client.sendMessage(CUSTOMER, { type: 'text', body: '3' }))).toMatchObject({ code: 131056, classification: 'rate_limited', retryAfterMs: 6000 });
    await env.customerSays('hi', '5511900000001');
    await env.client.sendMessage('5511900000001', { type: 'text', body: 'other user is fine' });
  });

  it('injects failures: async 131026 for a number, sync 5xx a given number of times, latency', async () => {
    await env.customerSays('hi');
    await env.control('POST', '/_emulator/failures', { to: CUSTOMER, code: 131026, times: 1 });
    const { wamid } = await env.client.sendMessage(CUSTOMER, { type: 'text', body: 'to nowhere' });
    const failed = await waitFor(() => env.receiver.received.flatMap((r) => r.parsed.statuses).find((s) => s.wamid === wamid && s.status === 'failed'));
    expect(failed.errors?.[0]?.code).toBe(131026);

    await env.control('POST', '/_emulator/failures', { phoneNumberId: PHONE.phoneNumberId, httpStatus: 503, times: 2 });
    const first = await graphError(env.client.sendMessage(CUSTOMER, { type: 'text', body: 'a' }));
    expect(first).toMatchObject({ httpStatus: 503, code: 131016, classification: 'retryable' });
    await graphError(env.client.sendMessage(CUSTOMER, { type: 'text', body: 'b' }));
    await env.client.sendMessage(CUSTOMER, { type: 'text', body: 'c' });

    await env.control('POST', '/_emulator/failures', { latencyMs: 300, times: 1 });
    const slow = new WhatsAppCloudClient({ ...PHONE, accessToken: env.accessToken, appSecret: env.appSecret, graphApiUrl: env.emulator.url }, { timeoutMs: 100 });
    expect(await graphError(slow.sendMessage(CUSTOMER, { type: 'text', body: 'slow' }))).toMatchObject({ code: -1, classification: 'retryable' });
  });

  it('marks messages read and shows the typing indicator', async () => {
    const first = await env.customerSays('one');
    const second = await env.customerSays('two');
    await env.client.markRead(second, { typing: true });
    const conversation = await env.control('GET', `/_emulator/conversation?phoneNumberId=${PHONE.phoneNumberId}&customer=${CUSTOMER}`);
    expect(conversation.body.data.filter((m: { wamid: string; status: string }) => [first, second].includes(m.wamid)).map((m: { status: string }) => m.status)).toEqual(['read', 'read']);
    expect((await graphError(env.client.markRead('wamid.unknown'))).code).toBe(100);
  });

  it('reports the phone number for "check connection"', async () => {
    expect(await env.client.getPhoneNumber()).toMatchObject({
      id: PHONE.phoneNumberId,
      displayPhoneNumber: `+${PHONE.displayPhoneNumber}`,
      verifiedName: 'Loja Aurora',
      qualityRating: 'GREEN',
      throughputLevel: 'STANDARD',
    });
    await env.client.subscribeApp();
  });
});
