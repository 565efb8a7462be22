import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { ApiError, api, type BodyOf, problemToError, type ResponseOf, unwrap } from '../../api/client.ts';

/** A conversation as the API shows it. */
export type Conversation = ResponseOf<'/api/v1/conversations/{id}', 'get'>;
/** A message as the API shows it. */
export type Message = ResponseOf<'/api/v1/conversations/{id}/messages', 'get'>['items'][number];
/** What the composer sends. */
export type Outbound = BodyOf<'/api/v1/conversations/{id}/messages', 'post'>;
/** A conversation change. */
export type ConversationPatch = BodyOf<'/api/v1/conversations/{id}', 'patch'>;
/** Status filter of the list. */
export type StatusFilter = 'unassigned' | 'open' | 'closed' | 'all';

/** Query keys of the inbox. */
export const inboxKeys = {
  lists: ['conversations'] as const,
  list: (filters: { status: StatusFilter; q: string; sort: 'newest' | 'oldest' }) => ['conversations', 'list', filters] as const,
  one: (id: string) => ['conversations', 'one', id] as const,
  messages: (id: string) => ['conversation-messages', id] as const,
};

/** The conversation list with its per-status counts (from the first page). */
export function useConversationList(filters: { status: StatusFilter; q: string; sort: 'newest' | 'oldest' }) {
  const query = useInfiniteQuery({
    queryKey: inboxKeys.list(filters),
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/v1/conversations', { params: { query: { status: filters.status, q: filters.q || undefined, sort: filters.sort, cursor: pageParam, limit: 40 } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  return {
    items: query.data?.pages.flatMap((p) => p.items) ?? [],
    counts: query.data?.pages[0]?.counts,
    isLoading: query.isLoading,
    error: query.error,
    hasNextPage: query.hasNextPage,
    isFetchingNextPage: query.isFetchingNextPage,
    fetchNextPage: () => void query.fetchNextPage(),
    refetch: () => void query.refetch(),
  };
}

/** One conversation. */
export function useConversation(id: string | undefined) {
  return useQuery({
    queryKey: inboxKeys.one(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/conversations/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: Boolean(id),
  });
}

/** A conversation's messages, oldest first, with older pages loaded on demand. */
export function useMessages(id: string) {
  const query = useInfiniteQuery({
    queryKey: inboxKeys.messages(id),
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/v1/conversations/{id}/messages', { params: { path: { id }, query: { cursor: pageParam, limit: 50 } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const items = (query.data?.pages.flatMap((p) => p.items) ?? []).slice().reverse();
  return {
    items,
    isLoading: query.isLoading,
    error: query.error,
    hasOlder: query.hasNextPage,
    loadingOlder: query.isFetchingNextPage,
    loadOlder: () => void query.fetchNextPage(),
  };
}

/** Sends a reply or adds a note, with an idempotency key. */
export const sendMessage = (id: string, body: Outbound, idempotencyKey: string) =>
  unwrap(api.POST('/api/v1/conversations/{id}/messages', { params: { path: { id }, header: { 'idempotency-key': idempotencyKey } }, body }));
/** Changes status, assignee or the AI switch. */
export const patchConversation = (id: string, body: ConversationPatch) => unwrap(api.PATCH('/api/v1/conversations/{id}', { params: { path: { id } }, body }));
/** Marks a conversation read (blue ticks on WhatsApp). */
export const markRead = (id: string) => unwrap(api.POST('/api/v1/conversations/{id}/read', { params: { path: { id } } }));

/** Uploads a file (multipart) and returns its id; the typed client does not build multipart bodies. */
export async function uploadFile(file: File, csrfToken: string): Promise<{ id: string; mimeType: string }> {
  const form = new FormData();
  form.append('file', file, file.name);
  let response: Response;
  try {
    response = await fetch('/api/v1/files', { method: 'POST', body: form, credentials: 'same-origin', headers: { 'x-csrf-token': csrfToken } });
  } catch (cause) {
    throw new ApiError({ status: 0, code: 'network_error', detail: cause instanceof Error ? cause.message : String(cause) });
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw problemToError(response, body);
  if (typeof body !== 'object' || body === null || !('id' in body) || !('mimeType' in body) || typeof body.id !== 'string' || typeof body.mimeType !== 'string') {
    throw new ApiError({ status: response.status, code: 'bad_response', detail: 'Unexpected answer' });
  }
  return { id: body.id, mimeType: body.mimeType };
}

/** Active members, for the assignment picker. */
export function useActiveMembers(enabled: boolean) {
  return useQuery({
    queryKey: ['members', 'active-options'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/members', { params: { query: { status: 'active', limit: 200 } } }))).items,
    enabled,
    staleTime: 60_000,
  });
}

/** The WhatsApp media type of a file's MIME type. */
export function mediaTypeOf(mime: string): 'image' | 'video' | 'audio' | 'document' | 'sticker' {
  if (mime === 'image/webp') return 'sticker';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'document';
}
