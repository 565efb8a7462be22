import type { LightMyRequestResponse } from 'fastify';
import { type TestContext, json } from './context.ts';
import type { Caller } from './factories.ts';
import { type MultipartFile, multipart } from './multipart.ts';

/** Auth headers of a caller, as `call` sets them. */
export function authHeaders(caller: Caller): Record<string, string> {
  if (caller && 'apiKey' in caller) return { authorization: `Bearer ${caller.apiKey}` };
  if (caller && 'cookie' in caller) return { cookie: caller.cookie, 'x-csrf-token': caller.csrfToken };
  return {};
}

/** Uploads a file to the knowledge base (or replaces a document's content with `documentId`). */
export function uploadDocument(ctx: TestContext, caller: Caller, file: MultipartFile, fields: Record<string, string> = {}, documentId?: string): Promise<LightMyRequestResponse> {
  const { payload, headers } = multipart(fields, file);
  return ctx.app.inject({
    method: documentId ? 'PUT' : 'POST',
    url: documentId ? `/api/v1/knowledge/documents/${documentId}/content` : '/api/v1/knowledge/documents',
    headers: { ...headers, ...authHeaders(caller) },
    payload,
  }) as Promise<LightMyRequestResponse>;
}

/** A document as the API returns it (the fields tests look at). */
export interface ApiDocument {
  id: string;
  title: string;
  status: string;
  failureReason: string | null;
  failureParams: Record<string, string | number> | null;
  format: string | null;
  language: string | null;
  chunkCount: number;
  hasActiveVersion: boolean;
  sizeBytes: number;
}

/** Uploads, runs the jobs, and returns the processed document. */
export async function ingest(ctx: TestContext, caller: Caller, file: MultipartFile, fields: Record<string, string> = {}): Promise<ApiDocument> {
  const res = await uploadDocument(ctx, caller, file, fields);
  if (res.statusCode !== 202) throw new Error(`upload failed: ${res.statusCode} ${res.body}`);
  await ctx.runJobs();
  const id = json<ApiDocument>(res).id;
  const get = await ctx.app.inject({ method: 'GET', url: `/api/v1/knowledge/documents/${id}`, headers: authHeaders(caller) });
  return json<ApiDocument>(get as LightMyRequestResponse);
}
