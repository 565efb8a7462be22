import { useQuery } from '@tanstack/react-query';
import { ApiError, api, problemToError, type ResponseOf, unwrap } from '../../api/client.ts';

/** A contact as the API returns it. */
export type Contact = ResponseOf<'/api/v1/contacts/{id}', 'get'>;
/** A custom contact field definition. */
export type ContactField = ResponseOf<'/api/v1/contact-fields/{id}', 'get'>;
/** A contact group with its member count. */
export type Group = ResponseOf<'/api/v1/groups/{id}', 'get'>;
/** An import's status, progress and counts. */
export type ContactImport = ResponseOf<'/api/v1/contacts/imports/{id}', 'get'>;
/** One row that was not imported. */
export type ImportError = ResponseOf<'/api/v1/contacts/imports/{id}/errors', 'get'>['items'][number];
/** A consent ledger entry. */
export type Consent = ResponseOf<'/api/v1/contacts/{id}/consents', 'get'>['items'][number];
/** What the upload answers: how the file was read and the suggested mapping. */
export interface ImportAnalysis {
  id: string;
  fileName: string;
  format: 'csv' | 'xlsx';
  encoding: string;
  delimiter: string;
  headers: string[];
  suggestedMapping: string[];
  duplicateColumns: number[];
  sampleRows: string[][];
  estimatedRows: number | null;
}

/** Query keys of the feature. */
export const keys = {
  contacts: ['contacts'] as const,
  contact: (id: string) => ['contacts', 'one', id] as const,
  consents: (id: string) => ['contacts', 'consents', id] as const,
  fields: ['contact-fields'] as const,
  groups: ['groups'] as const,
  imports: ['contact-imports'] as const,
};

/** The organization's custom fields in form order. */
export function useContactFields() {
  return useQuery({ queryKey: keys.fields, queryFn: async () => (await unwrap(api.GET('/api/v1/contact-fields'))).items, staleTime: 60_000 });
}

/** Every group (first 1,000 by name), for selects and filters. */
export function useAllGroups() {
  return useQuery({
    queryKey: [...keys.groups, 'all'],
    queryFn: async () => {
      const all: Group[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(api.GET('/api/v1/groups', { params: { query: { limit: 200, cursor } } }));
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && all.length < 1000);
      return all;
    },
    staleTime: 30_000,
  });
}

/** "First Last", or the phone, or the e-mail. */
export function contactName(c: Pick<Contact, 'firstName' | 'lastName' | 'phone' | 'email'>): string {
  return `${c.firstName} ${c.lastName}`.trim() || c.phone || c.email || '';
}

/** A file upload with progress (XMLHttpRequest: fetch cannot report upload progress), session cookie and CSRF token. */
export function uploadWithProgress<T>(
  url: string,
  method: 'POST' | 'PUT',
  file: File,
  options: { csrfToken: string | null; expect: number; onProgress?: (fraction: number) => void },
): Promise<T> {
  const form = new FormData();
  form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
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
        // not JSON: reported below
      }
      if (xhr.status === options.expect) resolve(body as T);
      else reject(problemToError(new Response(null, { status: xhr.status, statusText: xhr.statusText }), body));
    };
    xhr.send(form);
  });
}

/** Query string of the list filters, shared by the list, exports and bulk group changes. */
export interface ListFilters {
  q: string;
  groupId: string | null;
  consent: 'granted' | 'revoked' | 'unknown' | null;
}

/** The export URL for the current filters. */
export function exportUrl(format: 'csv' | 'xlsx', filters: ListFilters, lang: string): string {
  const p = new URLSearchParams({ format, lang });
  if (filters.q) p.set('q', filters.q);
  if (filters.groupId) p.set('groupId', filters.groupId);
  if (filters.consent) p.set('marketingConsent', filters.consent);
  return `/api/v1/contacts/export?${p.toString()}`;
}
