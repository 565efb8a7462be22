import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GraphApiError } from '../src/adapters/whatsapp-cloud/types.ts';
import { CUSTOMER, PHONE, setup, waitFor } from './test-helpers.ts';

let env: Awaited<ReturnType<typeof setup>>;
beforeEach(async () => {
  env = await setup();
});
afterEach(async () => {
  await env.close();
});

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('media', () => {
  it('uploads, resolves and downloads with the Bearer token', async () => {
    const { id } = await env.client.uploadMedia(PNG, 'image/png', 'pixel.png');
    expect(id).toMatch(/^\d{15}$/);
    const info = await env.client.getMedia(id);
    expect(info).toMatchObject({ id, mimeType: 'image/png', fileSize: PNG.length, sha256: createHash('sha256').update(PNG).digest('hex') });
    expect(info.url).toContain('/whatsapp_business/attachments/?mid=');
    const file = await env.client.downloadMedia(info.url);
    expect(file.mimeType).toBe('image/png');
    expect(file.data.equals(PNG)).toBe(true);
    // Without the token the download fails.
    const anonymous = await fetch(info.url);
    expect(anonymous.status).toBe(401);
  });

  it('expires download URLs after 5 minutes (404), while the id keeps working', async () => {
    const { id } = await env.client.uploadMedia(PNG, 'image/png', 'pixel.png');
    const info = await env.client.getMedia(id);
    await env.control('POST', '/_emulator/clock', { advanceMs: 5 * 60_000 + 1000 });
    const expired = await env.client.downloadMedia(info.url).catch((err: unknown) => err);
    expect(expired).toBeInstanceOf(GraphApiError);
    expect(expired).toMatchObject({ httpStatus: 404 });
    const fresh = await env.client.fetchMedia(id);
    expect(fresh.data.equals(PNG)).toBe(true);
  });

  it('rejects unsupported types and oversize files with 131053, and deletes media', async () => {
    const bad = await env.client.uploadMedia(Buffer.from('x'), 'application/x-msdownload', 'a.exe').catch((err: unknown) => err);
    expect(bad).toMatchObject({ code: 131053, classification: 'permanent' });
    const big = await env.client.uploadMedia(Buffer.alloc(5 * 1024 * 1024 + 1), 'image/jpeg', 'big.jpg').catch((err: unknown) => err);
    expect(big).toMatchObject({ code: 131053 });
    const { id } = await env.client.uploadMedia(PNG, 'image/png', 'pixel.png');
    await env.client.deleteMedia(id);
    expect(await env.client.getMedia(id).catch((err: unknown) => err)).toMatchObject({ code: 100, subcode: 33 });
  });

  it('delivers inbound media in the webhook; the business downloads it by id', async () => {
    const data = Buffer.from('OggS fake voice note');
    const sent = await env.control('POST', '/_emulator/inbound', {
      phoneNumberId: PHONE.phoneNumberId,
      from: `+${CUSTOMER}`,
      name: 'Ana',
      type: 'audio',
      media: { mimeType: 'audio/ogg; codecs=opus', data: data.toString('base64'), voice: true },
    });
    const message = await waitFor(() => env.receiver.received.flatMap((r) => r.parsed.messages).find((m) => m.wamid === sent.body.messageId));
    expect(message).toMatchObject({ type: 'audio', media: { mimeType: 'audio/ogg; codecs=opus', voice: true, sha256: createHash('sha256').update(data).digest('base64') } });
    const file = await env.client.fetchMedia(message.media?.id ?? '');
    expect(file.data.equals(data)).toBe(true);
    expect(file.mimeType).toBe('audio/ogg; codecs=opus');
  });
});
