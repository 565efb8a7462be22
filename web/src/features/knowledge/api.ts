import { ApiError, problemToError, type ResponseOf } from '../../api/client.ts';

/** A knowledge document as listed. */
export type KnowledgeDocument = ResponseOf<'/api/v1/knowledge/documents', 'get'>['items'][number];
/** A document with its versions. */
export type KnowledgeDocumentDetail = ResponseOf<'/api/v1/knowledge/documents/{id}', 'get'>;
/** A chunk of a document. */
export type KnowledgeChunk = ResponseOf<'/api/v1/knowledge/documents/{id}/chunks', 'get'>['items'][number];
/** A group of similar knowledge gaps. */
export type GapGroup = ResponseOf<'/api/v1/knowledge/gaps', 'get'>['items'][number];
/** A saved test. */
export type KnowledgeTest = ResponseOf<'/api/v1/knowledge/tests', 'get'>['items'][number];
/** What the knowledge base answers. */
export type KnowledgeAnswer = ResponseOf<'/api/v1/knowledge/ask', 'post'>;
/** Knowledge settings. */
export type KnowledgeSettings = ResponseOf<'/api/v1/knowledge/settings', 'get'>;

/** React Query keys of the feature (prefixes invalidate every list below them). */
export const keys = {
  documents: ['knowledge', 'documents'] as const,
  document: (id: string) => ['knowledge', 'documents', id] as const,
  chunks: (id: string) => ['knowledge', 'documents', id, 'chunks'] as const,
  gaps: ['knowledge', 'gaps'] as const,
  tests: ['knowledge', 'tests'] as const,
  runs: ['knowledge', 'tests', 'runs'] as const,
  settings: ['knowledge', 'settings'] as const,
};

/**
 * Uploads a file as a new document (or as new content of `documentId`) with progress reports — fetch
 * cannot report upload progress, so this uses XMLHttpRequest with the session cookie and CSRF token.
 */
export function uploadDocument(file: File, options: { csrfToken: string | null; documentId?: string; onProgress?: (fraction: number) => void }): Promise<KnowledgeDocument> {
  const form = new FormData();
  form.append('file', file, file.name);
  const url = options.documentId ? `/api/v1/knowledge/documents/${options.documentId}/content` : '/api/v1/knowledge/documents';
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(options.documentId ? 'PUT' : 'POST', url);
    xhr.withCredentials = true;
    if (options.csrfToken) xhr.setRequestHeader('X-CSRF-Token', options.csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) options.onProgress?.(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'network_error', detail: 'Network error' }));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: handled below
      }
      if (xhr.status === 202) resolve(body as KnowledgeDocument);
      else reject(problemToError(new Response(null, { status: xhr.status, statusText: xhr.statusText }), body));
    };
    xhr.send(form);
  });
}
