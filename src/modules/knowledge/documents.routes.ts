import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission, requirePrincipal } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { AppError, validationError } from '../../shared/errors.ts';
import { pageOf, pageQuery } from '../../shared/pagination.ts';
import { type DocumentRow, getDocumentRow, listChunkRows, listDocumentRows, listVersionRows, type VersionRow } from './documents.repository.ts';
import { createDocument, type DocumentContent, deleteDocument, type KnowledgeActor, replaceDocumentContent, reprocessDocument, updateDocument } from './documents.service.ts';
import { chunkSchema, documentDetailSchema, documentJsonBody, documentListQuery, documentSchema, updateDocumentBody, uploadFields } from './knowledge.schemas.ts';

const tags = ['Knowledge'];
const UPLOAD_HELP =
  'Send **one** of: a `multipart/form-data` upload (optional `title` and `language` fields first, then the `file` part: PDF, DOCX, TXT, Markdown, CSV with question/answer columns, or HTML — the format is detected from the content), ' +
  'a JSON `{ "url": "https://…" }` to add a web page, or a JSON `{ "title", "content" }` entry. ' +
  'Answers 202 with the document in status `pending`; processing runs in the background (`processing` → `ready` or `failed` with a `failureReason`).';

/** Presents a document row. */
export function presentDocument(d: DocumentRow) {
  return {
    id: d.id,
    title: d.title,
    source: d.source,
    sourceName: d.sourceName,
    format: d.format,
    language: (d.language as z.infer<typeof documentSchema>['language']) ?? null,
    languageOverride: (d.languageOverride as z.infer<typeof documentSchema>['language']) ?? null,
    status: d.status,
    failureReason: (d.failureReason as z.infer<typeof documentSchema>['failureReason']) ?? null,
    failureParams: d.failureParams ?? null,
    hasActiveVersion: Boolean(d.activeVersionId),
    sizeBytes: d.sizeBytes,
    chunkCount: d.chunkCount,
    pageCount: d.pageCount,
    processedAt: d.processedAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

const presentVersion = (v: VersionRow, activeId: string | null) => ({
  id: v.id,
  number: v.number,
  source: v.source,
  fileName: v.fileName,
  url: v.url,
  content: v.content,
  format: v.format,
  status: v.status,
  failureReason: (v.failureReason as z.infer<typeof documentSchema>['failureReason']) ?? null,
  failureParams: v.failureParams ?? null,
  active: v.id === activeId,
  sizeBytes: v.sizeBytes,
  chunkCount: v.chunkCount,
  createdAt: v.createdAt.toISOString(),
  processedAt: v.processedAt?.toISOString() ?? null,
});

/** Documents: upload (multipart), web page or entry; list, details, chunks, rename, replace, reprocess, delete. */
export function registerDocumentRoutes(app: App, deps: Deps) {
  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    if (!scope.hasContentTypeParser('multipart/form-data')) {
      await scope.register(multipart, { limits: { fileSize: deps.config.knowledge.maxFileBytes, files: 1, fields: 10, fieldSize: 10_000, parts: 12 } });
    }

    scope.post(
      '/api/v1/knowledge/documents',
      {
        schema: { tags, summary: 'Add a document', description: UPLOAD_HELP, consumes: ['application/json', 'multipart/form-data'], body: documentJsonBody, response: { 202: documentSchema } },
      },
      async (req, reply) => {
        const p = requirePermission(req, 'knowledge.manage');
        const input = await documentInput(req, req.body, deps.config.knowledge.maxFileBytes, true);
        const doc = await createDocument(deps, p.organizationId, input, actorOf(req));
        return reply.status(202).send(presentDocument(doc));
      },
    );

    scope.put(
      '/api/v1/knowledge/documents/:id/content',
      {
        schema: {
          tags,
          summary: 'Replace a document\'s content',
          description: `Re-upload: the new content is indexed as a new version and replaces the current one atomically once ready; until then the current version keeps answering. ${UPLOAD_HELP}`,
          consumes: ['application/json', 'multipart/form-data'],
          params: idParams,
          body: documentJsonBody,
          response: { 202: documentSchema },
        },
      },
      async (req, reply) => {
        const p = requirePermission(req, 'knowledge.manage');
        const input = await documentInput(req, req.body, deps.config.knowledge.maxFileBytes, false);
        const doc = await replaceDocumentContent(deps, p.organizationId, req.params.id, input, actorOf(req));
        return reply.status(202).send(presentDocument(doc));
      },
    );
  });

  app.get(
    '/api/v1/knowledge/documents',
    { schema: { tags, summary: 'List documents', description: 'Newest first. Any member may read the knowledge base.', querystring: documentListQuery, response: { 200: pageOf(documentSchema) } } },
    async (req) => {
      const p = requirePrincipal(req);
      const page = await listDocumentRows(deps.database.db, p.organizationId, req.query);
      return { items: page.items.map(presentDocument), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/knowledge/documents/:id',
    { schema: { tags, summary: 'Get a document', description: 'With its latest versions.', params: idParams, response: { 200: documentDetailSchema } } },
    async (req) => {
      const p = requirePrincipal(req);
      const doc = await getDocumentRow(deps.database.db, p.organizationId, req.params.id);
      const versions = await listVersionRows(deps.database.db, p.organizationId, doc.id);
      return { ...presentDocument(doc), versions: versions.map((v) => presentVersion(v, doc.activeVersionId)) };
    },
  );

  app.get(
    '/api/v1/knowledge/documents/:id/chunks',
    { schema: { tags, summary: 'List a document\'s chunks', description: 'The chunks of the active version, in document order.', params: idParams, querystring: pageQuery, response: { 200: pageOf(chunkSchema) } } },
    async (req) => {
      const p = requirePrincipal(req);
      const doc = await getDocumentRow(deps.database.db, p.organizationId, req.params.id);
      const page = await listChunkRows(deps.database.db, p.organizationId, doc, req.query);
      return { items: page.items.map((c) => ({ ...c, kind: c.kind as 'qa' | 'text' })), nextCursor: page.nextCursor };
    },
  );

  app.patch(
    '/api/v1/knowledge/documents/:id',
    { schema: { tags, summary: 'Rename a document or set its language', description: 'A new language re-processes the document.', params: idParams, body: updateDocumentBody, response: { 200: documentSchema } } },
    async (req) => {
      const p = requirePermission(req, 'knowledge.manage');
      return presentDocument(await updateDocument(deps, p.organizationId, req.params.id, req.body, actorOf(req)));
    },
  );

  app.post(
    '/api/v1/knowledge/documents/:id/reprocess',
    { schema: { tags, summary: 'Process a document again', description: 'From its latest source; a web page is fetched again.', params: idParams, response: { 202: documentSchema } } },
    async (req, reply) => {
      const p = requirePermission(req, 'knowledge.manage');
      return reply.status(202).send(presentDocument(await reprocessDocument(deps, p.organizationId, req.params.id, actorOf(req))));
    },
  );

  app.delete(
    '/api/v1/knowledge/documents/:id',
    { schema: { tags, summary: 'Delete a document', description: 'Its content stops answering at once.', params: idParams, response: { 200: documentSchema } } },
    async (req) => {
      const p = requirePermission(req, 'knowledge.manage');
      return presentDocument(await deleteDocument(deps, p.organizationId, req.params.id, actorOf(req)));
    },
  );
}

/** The actor of a request, for the audit log. */
export function actorOf(req: FastifyRequest): KnowledgeActor {
  const p = requirePrincipal(req);
  return { principal: p, ip: req.ip, userId: p.kind === 'user' ? p.userId : null };
}

async function documentInput(
  req: FastifyRequest,
  body: z.infer<typeof documentJsonBody>,
  maxFileBytes: number,
  allowEntryTitle: boolean,
): Promise<DocumentContent & { title?: string; language?: z.infer<typeof uploadFields>['language'] }> {
  if (req.isMultipart()) {
    let file: Awaited<ReturnType<FastifyRequest['file']>>;
    try {
      file = await req.file({ limits: { fileSize: maxFileBytes } });
    } catch (err) {
      throw uploadError(err, maxFileBytes);
    }
    if (!file) throw validationError('Attach the document in a part named "file"', [{ path: 'file', message: 'Required' }], 'file_required');
    const raw = Object.fromEntries(
      Object.entries(file.fields)
        .filter(([name]) => name !== file.fieldname)
        .map(([name, part]) => [name, part && !Array.isArray(part) && part.type === 'field' ? String(part.value) : undefined]),
    );
    const fields = uploadFields.safeParse(raw);
    if (!fields.success) {
      file.file.resume();
      throw validationError('The upload has invalid fields', fields.error.issues.map((i) => ({ path: i.path.join('.') || 'fields', message: i.message })));
    }
    const fileName = safeFileName(file.filename);
    return { source: 'file', fileName, contentType: file.mimetype || null, data: file.file, ...fields.data };
  }
  if (!body) throw validationError('Send a multipart file upload, { "url" } or { "title", "content" }', [{ path: 'body', message: 'Required' }], 'document_body_required');
  if ('url' in body) return { source: 'url', url: body.url, title: body.title, language: body.language };
  return { source: 'entry', content: body.content, title: allowEntryTitle || body.title ? body.title : undefined, language: body.language };
}

function uploadError(err: unknown, maxFileBytes: number): AppError {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    return new AppError('payload_too_large', 'file_too_large', `The file is larger than the ${Math.round(maxFileBytes / 104857.6) / 10} MB limit for knowledge documents`);
  }
  if (code.startsWith('FST_')) return validationError('The upload could not be read; send one file as multipart/form-data', [{ path: 'file', message: String((err as Error).message) }], 'invalid_upload');
  return err instanceof AppError ? err : validationError('The upload could not be read', [{ path: 'file', message: 'Invalid multipart body' }], 'invalid_upload');
}

/** A file name as shown in lists: control characters and path separators replaced, at most 200 characters. */
function safeFileName(name: string): string {
  const cleaned = Array.from(name, (ch) => (ch.charCodeAt(0) < 32 || ch === '/' || ch === '\\' ? '_' : ch)).join('');
  return cleaned.slice(-200) || 'document';
}
