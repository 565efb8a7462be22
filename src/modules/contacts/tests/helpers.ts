import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestContext } from '../../../../test/support/context.ts';
import { json } from '../../../../test/support/context.ts';
import { type Caller, call } from '../../../../test/support/factories.ts';

/** Auth headers of a caller. */
export function authHeaders(caller: Caller): Record<string, string> {
  if (caller && 'apiKey' in caller) return { authorization: `Bearer ${caller.apiKey}` };
  if (caller && 'cookie' in caller) return { cookie: caller.cookie, 'x-csrf-token': caller.csrfToken };
  return {};
}

/** Uploads a file as multipart/form-data (field `file`). */
export function upload(ctx: TestContext, caller: Caller, filename: string, data: Buffer | string): Promise<LightMyRequestResponse> {
  const boundary = `----charla${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return ctx.app.inject({
    method: 'POST',
    url: '/api/v1/contacts/imports',
    headers: { ...authHeaders(caller), 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: body,
  }) as Promise<LightMyRequestResponse>;
}

/** The import as the API shows it. */
export interface ImportView {
  id: string;
  status: string;
  totalRows: number | null;
  rowsProcessed: number;
  counts: { created: number; updated: number; skipped: number; failed: number };
  errorCode: string | null;
}

/** Uploads, starts with the suggested mapping (or the given one), runs the jobs and returns the finished import. */
export async function importFile(
  ctx: TestContext,
  caller: Caller,
  filename: string,
  data: Buffer | string,
  options: { dedupe?: 'update' | 'skip' | 'create'; groupId?: string; mapping?: string[]; createMissingGroups?: boolean } = {},
): Promise<{ analysis: Record<string, unknown> & { id: string; suggestedMapping: string[] }; result: ImportView }> {
  const up = await upload(ctx, caller, filename, data);
  expect(up.statusCode, up.body).toBe(202);
  const analysis = json<{ id: string; suggestedMapping: string[] }>(up);
  const started = await call(ctx, caller, 'POST', `/api/v1/contacts/imports/${analysis.id}/start`, {
    mapping: options.mapping ?? analysis.suggestedMapping,
    dedupe: options.dedupe ?? 'update',
    ...(options.groupId ? { groupId: options.groupId } : {}),
    ...(options.createMissingGroups !== undefined ? { createMissingGroups: options.createMissingGroups } : {}),
  });
  expect(started.statusCode, started.body).toBe(202);
  await ctx.runJobs();
  const result = json<ImportView>(await call(ctx, caller, 'GET', `/api/v1/contacts/imports/${analysis.id}`));
  return { analysis: analysis as Record<string, unknown> & { id: string; suggestedMapping: string[] }, result };
}

/** Totals always add up to the data rows processed. */
export function expectTotals(result: ImportView, dataRows: number) {
  const c = result.counts;
  expect(c.created + c.updated + c.skipped + c.failed).toBe(dataRows);
  expect(result.rowsProcessed).toBe(dataRows);
}
