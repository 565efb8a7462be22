import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts, conversations } from '../../../db/schema/index.ts';
import { fakeSpeech, type FakeOpenAIServer, type MultipartBody, readFakeSpeech, startFakeOpenAIServer } from '../../../../test/fakes/openai-server.ts';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { type EmulatedNumber, eventually, startWhatsAppHarness, type WhatsAppHarness } from '../../../../test/support/whatsapp.ts';
import { seedDemoShop } from '../../integrations/integrations.demo.ts';

const API_KEY = 'sk-test-voice-0123456789abcdef';

interface ApiMessage {
  id: string;
  direction: 'in' | 'out';
  type: string;
  body: string | null;
  payload: Record<string, unknown> & { transcript?: Record<string, unknown>; media?: Record<string, unknown> };
  author: { type: string };
  media: { state: string; url: string | null; mimeType: string | null } | null;
}

describe('voice notes and the assistant', () => {
  let ctx: TestContext;
  let wa: WhatsAppHarness;
  let fake: FakeOpenAIServer;
  let org: TestOrg;
  let number: EmulatedNumber;

  const outbox = (n: EmulatedNumber, to: string) => wa.outbox(n, to);
  const waitForOutbound = (n: EmulatedNumber, to: string, count: number) =>
    eventually(async () => ((await outbox(n, to)).length >= count ? outbox(n, to) : undefined), 15_000, `${count} messages to ${to}`);
  const voiceNote = (n: EmulatedNumber, from: string, words: string) =>
    wa.inbound(n, { from: `+${from}`, name: 'Lucía', type: 'audio', media: { mimeType: 'audio/ogg; codecs=opus', data: fakeSpeech(words).toString('base64'), voice: true } });
  /** The conversation's messages through the API, oldest first. */
  const messagesOf = async (o: TestOrg, phone: string): Promise<ApiMessage[]> => {
    const conversation = await eventually(async () => {
      const [row] = await ctx.container.database.db
        .select({ id: conversations.id })
        .from(conversations)
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .where(and(eq(conversations.organizationId, o.organizationId), eq(contacts.phone, `+${phone}`)));
      return row;
    });
    const res = await call(ctx, o.owner, 'GET', `/api/v1/conversations/${conversation.id}/messages`);
    expect(res.statusCode, res.body).toBe(200);
    return json<{ items: ApiMessage[] }>(res).items.reverse();
  };
  const transcriptionRequests = () => fake.requests.filter((r) => r.path === '/v1/audio/transcriptions');
  const speechRequests = () => fake.requests.filter((r) => r.path === '/v1/audio/speech');
  const chatRequests = () => fake.requests.filter((r) => r.path === '/v1/chat/completions');
  const settings = (o: TestOrg, body: Record<string, unknown>) => call(ctx, o.owner, 'PUT', '/api/v1/assistant/settings', body);

  beforeAll(async () => {
    ctx = await createTestContext();
    fake = await startFakeOpenAIServer({ apiKey: API_KEY });
    org = await createOrg(ctx, { language: 'es' });
    wa = await startWhatsAppHarness(ctx);
    number = await wa.connect(org);
    await seedDemoShop(ctx.container, org.organizationId, 'es', wa.emulator.url);
    const res = await settings(org, { enabled: true, brain: 'auto', provider: 'openai', apiKey: API_KEY, baseUrl: fake.baseUrl, model: 'gpt-4o-mini', transcribeAudio: true });
    expect(res.statusCode, res.body).toBe(200);
    await wa.startWorker();
  }, 60_000);
  afterAll(async () => {
    await wa?.close();
    await fake?.close();
    await ctx?.close();
  });

  it('transcribes a voice note, shows the transcript to agents and answers the question it asks', async () => {
    const phone = '34600500100';
    let userTurn = '';
    fake.scriptChat([
      (req) => {
        const messages = (req.body as { messages: { role: string; content: string }[] }).messages;
        userTurn = messages.filter((m) => m.role === 'user').at(-1)!.content;
        return { toolCalls: [{ name: 'order_status', arguments: { orderId: '1002' } }] };
      },
      { text: 'Tu pedido 1002 ya está en camino.' },
    ]);
    await voiceNote(number, phone, '¿Dónde está mi pedido 1002?');

    const [reply] = await waitForOutbound(number, phone, 1);
    expect(reply!.type).toBe('text');
    expect(JSON.stringify(reply!.body)).toContain('Tu pedido 1002 ya está en camino.');
    expect(userTurn).toBe('¿Dónde está mi pedido 1002?');

    // The provider got the very file the customer recorded, as OpenAI's multipart upload.
    const [request] = transcriptionRequests();
    expect(request!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    const upload = request!.body as MultipartBody;
    expect(upload.fields.model).toBe('gpt-4o-mini-transcribe');
    expect(readFakeSpeech(upload.files.file!.data)).toBe('¿Dónde está mi pedido 1002?');

    const messages = await messagesOf(org, phone);
    const audio = messages.find((m) => m.direction === 'in' && m.type === 'audio')!;
    expect(audio.media).toMatchObject({ state: 'ready' });
    expect(audio.payload.transcript).toMatchObject({ status: 'done', source: 'transcription', text: '¿Dónde está mi pedido 1002?', model: 'gpt-4o-mini-transcribe' });
    expect(messages.at(-1)).toMatchObject({ direction: 'out', type: 'text', body: 'Tu pedido 1002 ya está en camino.', author: { type: 'assistant' } });
  });

  it('waits for a voice note that is slow to download', async () => {
    expect((await wa.control('POST', '/_emulator/config', { latencyMs: 1_500 })).status).toBe(200);
    try {
      const phone = '34600500150';
      fake.scriptChat([{ text: 'Sí, enviamos a toda España.' }]);
      await voiceNote(number, phone, '¿Enviáis a Canarias?');
      const [reply] = await waitForOutbound(number, phone, 1);
      expect(JSON.stringify(reply!.body)).toContain('Sí, enviamos a toda España.');
      const audio = (await messagesOf(org, phone)).find((m) => m.type === 'audio')!;
      expect(audio.payload.transcript).toMatchObject({ status: 'done', text: '¿Enviáis a Canarias?' });
    } finally {
      await wa.control('POST', '/_emulator/config', { latencyMs: 0 });
    }
  });

  it('answers a voice note with the text and a voice note uploaded to WhatsApp when spoken replies are on', async () => {
    expect((await settings(org, { audioReplies: true, voice: 'coral' })).statusCode).toBe(200);
    const phone = '34600500200';
    fake.scriptChat([{ text: 'Abrimos de lunes a viernes, de 9 a 18 h.' }]);
    await voiceNote(number, phone, '¿Qué horario tenéis?');

    const sent = await waitForOutbound(number, phone, 2);
    expect(sent.map((m) => m.type)).toEqual(['text', 'audio']);
    const audio = (sent[1]!.body as { audio: { id?: string; link?: string; voice?: boolean } }).audio;
    expect(audio.voice).toBe(true);
    expect(audio.link).toBeUndefined();
    // The media was uploaded with POST /{phone-number-id}/media and the emulator holds the speech.
    const media = await fetch(`${wa.emulator.url}/_emulator/media/${audio.id}`);
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toMatch(/^audio\/ogg/);
    expect(readFakeSpeech(Buffer.from(await media.arrayBuffer()))).toBe('Abrimos de lunes a viernes, de 9 a 18 h.');

    const [speech] = speechRequests();
    expect(speech!.body).toMatchObject({ model: 'gpt-4o-mini-tts', input: 'Abrimos de lunes a viernes, de 9 a 18 h.', voice: 'coral', response_format: 'opus' });

    const messages = await messagesOf(org, phone);
    const spoken = messages.find((m) => m.direction === 'out' && m.type === 'audio')!;
    expect(spoken).toMatchObject({ author: { type: 'assistant' }, media: { state: 'ready' } });
    expect(spoken.payload.transcript).toMatchObject({ status: 'done', source: 'speech', text: 'Abrimos de lunes a viernes, de 9 a 18 h.' });
    const file = await call(ctx, org.owner, 'GET', spoken.media!.url!);
    expect(file.statusCode).toBe(200);
    expect(readFakeSpeech(file.rawPayload)).toBe('Abrimos de lunes a viernes, de 9 a 18 h.');
    expect((await settings(org, { audioReplies: false })).statusCode).toBe(200);
  });

  it('asks the customer to write when the provider fails, and shows why on the message', async () => {
    const phone = '34600500300';
    const chats = chatRequests().length;
    fake.failNext(2, 500);
    await voiceNote(number, phone, 'Quiero cambiar la dirección de entrega');

    const [reply] = await waitForOutbound(number, phone, 1);
    expect(JSON.stringify(reply!.body)).toContain('no he podido entender tu mensaje de voz');
    const audio = (await messagesOf(org, phone)).find((m) => m.type === 'audio')!;
    expect(audio.payload.transcript).toMatchObject({ status: 'failed', error: 'unavailable' });
    expect(chatRequests().length).toBe(chats);
  });

  it('does not send audio to a provider without an audio API (Anthropic)', async () => {
    const other = await createOrg(ctx, { language: 'pt-BR' });
    const otherNumber = await wa.connect(other);
    const res = await settings(other, { enabled: true, provider: 'anthropic', apiKey: 'sk-ant-test-0123456789', model: 'claude-3-5-haiku-latest', transcribeAudio: true, audioReplies: true });
    expect(res.statusCode, res.body).toBe(200);
    const before = fake.requests.length;
    const phone = '5511987650400';
    await voiceNote(otherNumber, phone, 'Onde está meu pedido?');

    const [reply] = await waitForOutbound(otherNumber, phone, 1);
    expect(JSON.stringify(reply!.body)).toContain('não consegui entender sua mensagem de voz');
    const audio = (await messagesOf(other, phone)).find((m) => m.type === 'audio')!;
    expect(audio.payload.transcript).toMatchObject({ status: 'failed', error: 'unsupported_provider' });
    expect(fake.requests.length).toBe(before);
  });

  it('leaves voice notes alone when transcription is off', async () => {
    expect((await settings(org, { transcribeAudio: false })).statusCode).toBe(200);
    const phone = '34600500500';
    const before = transcriptionRequests().length;
    await voiceNote(number, phone, '¿Tenéis envío gratis?');
    const audio = await eventually(async () => (await messagesOf(org, phone)).find((m) => m.type === 'audio' && m.media?.state === 'ready'));
    await ctx.runJobs();
    await new Promise((r) => setTimeout(r, 300));
    expect(audio.payload.transcript).toBeUndefined();
    expect(transcriptionRequests().length).toBe(before);
    expect(await outbox(number, phone)).toHaveLength(0);
    expect((await settings(org, { transcribeAudio: true })).statusCode).toBe(200);
  });
});
