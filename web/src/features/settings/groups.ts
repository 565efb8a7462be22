import { useQuery } from '@tanstack/react-query';
import { ApiError, isApiError, problemToError } from '../../api/client.ts';

/** A contact group, as far as the settings need it. */
export interface GroupOption {
  id: string;
  name: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function parseGroups(body: unknown): { items: GroupOption[]; nextCursor: string | null } {
  if (!isRecord(body) || !Array.isArray(body.items)) return { items: [], nextCursor: null };
  const items = body.items.flatMap((g: unknown) => (isRecord(g) && typeof g.id === 'string' && typeof g.name === 'string' ? [{ id: g.id, name: g.name }] : []));
  return { items, nextCursor: typeof body.nextCursor === 'string' ? body.nextCursor : null };
}

/**
 * Every contact group of the organization (`GET /api/v1/groups`, all pages), or `null` when this server
 * has no groups endpoint (the contacts module is not installed): the settings then disable the choice.
 * Fetched without the typed client so the page works before and after the endpoint exists.
 */
async function fetchAllGroups(): Promise<GroupOption[] | null> {
  const groups: GroupOption[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/v1/groups?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    let response: Response;
    try {
      response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    } catch (cause) {
      throw new ApiError({ status: 0, code: 'network_error', detail: cause instanceof Error ? cause.message : String(cause) });
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = problemToError(response, body);
      if (isApiError(error, 404) || isApiError(error, 405) || isApiError(error, 403)) return null;
      throw error;
    }
    const page = parseGroups(body);
    groups.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && groups.length < 2000);
  return groups;
}

/** The organization's contact groups for selects (`data === null`: groups are not available). */
export function useGroupOptions(enabled = true) {
  return useQuery({ queryKey: ['groups', 'options'], queryFn: fetchAllGroups, enabled, staleTime: 60_000 });
}
