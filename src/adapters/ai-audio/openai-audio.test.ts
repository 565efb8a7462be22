import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, fakeSpeech, type MultipartBody, readFakeSpeech, startFakeOpenAIServer } from '../../../test/fakes/openai-server.ts';
import { type AudioConfig, AudioError, MAX_TRANSCRIPTION_BYTES, synthesizeSpeech, transcribeAudio } from './openai-audio.ts';

const KEY = 'sk-audio-test-0123456789';
let fake: FakeOpenAIServer;
let config: AudioConfig;
const local = { allowedPrivateHosts: ['127.0.0.1'] };
const failure = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AudioError);
  return err as AudioError;
};

beforeAll(async () => {
  fake = await startFakeOpenAIServer({ apiKey: KEY });
  config = { provider: 'openai', apiKey: KEY, baseUrl: fake.baseUrl };
});
afterAll(() => fake?.close());

describe('OpenAI audio over the wire', () => {
  it('transcribes through a multipart upload and reads speech back', async () => {
    const note = fakeSpeech('Quero saber do meu pedido');
    expect(await transcribeAudio(config, note, local)).toEqual({ text: 'Quero saber do meu pedido', language: null, model: 'gpt-4o-mini-transcribe' });
    const request = fake.requests.at(-1)!;
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const body = request.body as MultipartBody;
    expect(body.fields).toEqual({ model: 'gpt-4o-mini-transcribe' });
    expect(body.files.file).toMatchObject({ filename: 'audio.ogg', contentType: 'audio/ogg' });
    expect(body.files.file!.data.equals(note)).toBe(true);

    const speech = await synthesizeSpeech({ provider: 'openai_compatible', apiKey: KEY, baseUrl: `${fake.baseUrl}/` }, 'Seu pedido chega amanhã', 'nova', local);
    expect(speech.mimeType).toBe('audio/ogg');
    expect(speech.model).toBe('tts-1');
    expect(readFakeSpeech(speech.data)).toBe('Seu pedido chega amanhã');
    expect(fake.requests.at(-1)!.body).toEqual({ model: 'tts-1', input: 'Seu pedido chega amanhã', voice: 'nova', response_format: 'opus' });
  });

  it('classifies failures without leaking the request', async () => {
    expect((await failure(transcribeAudio(config, Buffer.alloc(MAX_TRANSCRIPTION_BYTES + 1), local))).code).toBe('too_large');
    expect((await failure(transcribeAudio({ ...config, apiKey: 'sk-wrong' }, fakeSpeech('hola'), local))).code).toBe('auth');
    expect((await failure(transcribeAudio(config, Buffer.from('not audio at all'), local))).code).toBe('bad_request');
    expect((await failure(synthesizeSpeech(config, 'Hola', 'robot', local))).code).toBe('bad_request');
    fake.failNext(2, 429);
    expect((await failure(transcribeAudio(config, fakeSpeech('hola'), local))).code).toBe('rate_limited');
    fake.failNext(2, 503);
    expect((await failure(synthesizeSpeech(config, 'Hola', 'alloy', local))).code).toBe('unavailable');
    const blocked = await failure(transcribeAudio(config, fakeSpeech('hola')));
    expect(blocked.code).toBe('blocked');
    expect(blocked.message).not.toContain(KEY);
  });

  it('treats silence as no speech', async () => {
    const silent = await startFakeOpenAIServer({ transcribe: () => '' });
    try {
      expect((await failure(transcribeAudio({ provider: 'openai_compatible', apiKey: null, baseUrl: silent.baseUrl }, fakeSpeech('...'), local))).code).toBe('no_speech');
      expect((silent.requests[0]!.body as MultipartBody).fields.model).toBe('whisper-1');
    } finally {
      await silent.close();
    }
  });
});
