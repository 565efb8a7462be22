import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateApiTypes, SCHEMA_FILE } from '../scripts/generate-api-types.ts';

describe('dashboard API client', () => {
  it('has types generated from the current OpenAPI document', { timeout: 90_000 }, async () => {
    const committed = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
    const current = await generateApiTypes();
    expect(
      committed === current,
      'web/src/api/schema.d.ts is out of date with the API: run `npm run api:generate` and commit the result',
    ).toBe(true);
  });
});
