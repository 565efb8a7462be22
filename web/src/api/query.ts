import {
  MutationCache,
  QueryCache,
  QueryClient,
  type QueryKey,
  useInfiniteQuery,
  useMutation,
  useQueryClient,
} from '@tanstack/react-query';
import { applyProblemToForm } from '../components/forms.ts';
import { notifyError, notifySuccess } from '../components/notify.tsx';
import type { Namespace } from '../i18n/index.ts';
import { ApiError } from './client.ts';

/**
 * The dashboard's query client: no retries on 4xx, short staleness, and a hook for 401s (the session
 * ended) so the shell can send the person to the sign-in page from wherever they are.
 */
export function createQueryClient(onUnauthenticated: () => void): QueryClient {
  const onError = (error: unknown) => {
    if (error instanceof ApiError && error.status === 401) onUnauthenticated();
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}

/** A page of a cursor-paginated list, as every list endpoint answers. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A cursor-paginated list ("load more"): pages are fetched with `fetchPage(cursor)` and flattened into
 * `items`. Put every filter in `key` so a new search starts from the first page.
 */
export function useCursorList<T>(key: QueryKey, fetchPage: (cursor: string | undefined) => Promise<Page<T>>, options: { enabled?: boolean } = {}) {
  const query = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: options.enabled,
    // Lists change under other people's hands (a colleague accepts an invitation): show the cached
    // rows at once and refresh them whenever the list is shown again.
    staleTime: 0,
  });
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  return {
    items,
    isLoading: query.isLoading,
    isFetching: query.isFetching,
    error: query.error,
    hasNextPage: query.hasNextPage,
    isFetchingNextPage: query.isFetchingNextPage,
    fetchNextPage: () => void query.fetchNextPage(),
    refetch: () => void query.refetch(),
  };
}

/** Options of `useApiMutation`. */
export interface ApiMutationOptions<TData, TVariables> {
  mutationFn: (variables: TVariables) => Promise<TData>;
  /** Query keys to refetch after success (prefixes: `['members']` covers every members list). */
  invalidate?: QueryKey[];
  /** Toast shown after success. */
  successMessage?: string | ((data: TData, variables: TVariables) => string);
  /** A Mantine form whose inputs receive the field errors of a 400 (the toast is skipped when they all land). */
  form?: Parameters<typeof applyProblemToForm>[0];
  /** Server field path → form path, where they differ. */
  rename?: Record<string, string>;
  /** The feature namespace with translations of its own problem codes (`<ns>:problems.<code>`). */
  errorNs?: Namespace;
  onSuccess?: (data: TData, variables: TVariables) => void | Promise<void>;
  /** Called on failure instead of the default toast when it returns true. */
  onError?: (error: unknown, variables: TVariables) => boolean | undefined;
}

/**
 * A write to the API with the dashboard's conventions: refetch what changed, toast the outcome, and
 * put validation problems under the form's inputs.
 */
export function useApiMutation<TData, TVariables = void>(options: ApiMutationOptions<TData, TVariables>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: options.mutationFn,
    onSuccess: async (data, variables) => {
      await Promise.all((options.invalidate ?? []).map((queryKey) => client.invalidateQueries({ queryKey })));
      const message = typeof options.successMessage === 'function' ? options.successMessage(data, variables) : options.successMessage;
      if (message) notifySuccess(message);
      await options.onSuccess?.(data, variables);
    },
    onError: (error, variables) => {
      if (options.onError?.(error, variables)) return;
      if (error instanceof ApiError && error.status === 401) return;
      if (options.form && applyProblemToForm(options.form, error, options.rename)) return;
      notifyError(error, { ns: options.errorNs });
    },
  });
}
