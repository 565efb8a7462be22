import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from './verify-signature.ts';

const SECRET = '8a5f1c2e9b7d4a6f';
const EMPTY_BODY = '{"object":"whatsapp_business_account","entry":[]}';
// Computed independently (Python hmac) so the test does not check the code against itself.
const EMPTY_SIG = 'sha256=eb60384cd8bc36c78e38eaeff9b0024ae72ffde9be0aaa084403abf1718a2ddb';
const TEXT_FIXTURE_SIG = 'sha256=9fe496c107b4ee61e58b93dc3e9ea8a9e017f78c303bcf5abd54139a23ab64cb';

describe('verifyWebhookSignature', () => {
  it('accepts the well-known HMAC-SHA256 vector', () => {
    const sig = 'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8';
    expect(verifyWebhookSignature('The quick brown fox jumps over the lazy dog', sig, 'key')).toBe(true);
  });

  it('accepts a fixed vector as a string and as bytes, in upper- or lowercase hex', () => {
    expect(verifyWebhookSignature(EMPTY_BODY, EMPTY_SIG, SECRET)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(EMPTY_BODY), EMPTY_SIG, SECRET)).toBe(true);
    expect(verifyWebhookSignature(EMPTY_BODY, `sha256=${EMPTY_SIG.slice(7).toUpperCase()}`, SECRET)).toBe(true);
  });

  it('checks the exact bytes of a payload with escaped unicode', () => {
    const raw = readFileSync(new URL('./fixtures/text.json', import.meta.url));
    expect(verifyWebhookSignature(raw, TEXT_FIXTURE_SIG, SECRET)).toBe(true);
    // Re-serializing un-escapes "\u00e1" into "á": different bytes, so the signature no longer matches.
    const reserialized = JSON.stringify(JSON.parse(raw.toString('utf8')));
    expect(verifyWebhookSignature(reserialized, TEXT_FIXTURE_SIG, SECRET)).toBe(false);
  });

  it('rejects a wrong secret, a changed body and missing or garbled headers without throwing', () => {
    expect(verifyWebhookSignature(EMPTY_BODY, EMPTY_SIG, 'other-secret')).toBe(false);
    expect(verifyWebhookSignature(`${EMPTY_BODY} `, EMPTY_SIG, SECRET)).toBe(false);
    for (const header of [undefined, null, '', 'sha256=', 'sha256=zz', EMPTY_SIG.slice(7), `sha1=${EMPTY_SIG.slice(7)}`, `${EMPTY_SIG}00`, [EMPTY_SIG, EMPTY_SIG]]) {
      expect(verifyWebhookSignature(EMPTY_BODY, header, SECRET)).toBe(false);
    }
    expect(verifyWebhookSignature(EMPTY_BODY, EMPTY_SIG, '')).toBe(false);
  });

  it('signs bodies the way it verifies them', () => {
    expect(signWebhookBody(EMPTY_BODY, SECRET)).toBe(EMPTY_SIG);
  });
});
