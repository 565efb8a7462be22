import { useQuery } from '@tanstack/react-query';
import { api, type BodyOf, type ResponseOf, unwrap } from '../../api/client.ts';

/** A channel as the API shows it. */
export type Channel = ResponseOf<'/api/v1/channels/{id}', 'get'>;
/** The result of "check connection". */
export type CheckResult = ResponseOf<'/api/v1/channels/{id}/check', 'post'>;
/** A channel update. */
export type ChannelPatch = BodyOf<'/api/v1/channels/{id}', 'patch'>;
/** A new channel. */
export type NewChannel = BodyOf<'/api/v1/channels', 'post'>;

/** Query keys of the channels feature. */
export const channelKeys = {
  all: ['channels'] as const,
  one: (id: string) => ['channels', id] as const,
};

/** Every channel of the organization. */
export function useChannels() {
  return useQuery({ queryKey: channelKeys.all, queryFn: async () => (await unwrap(api.GET('/api/v1/channels'))).items });
}

/** One channel; `pollMs` refetches it (e.g. while waiting for Meta's webhook verification). */
export function useChannel(id: string | null, pollMs?: number) {
  return useQuery({
    queryKey: channelKeys.one(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/channels/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== null,
    refetchInterval: pollMs,
  });
}

/** Connects a channel. */
export const createChannel = (body: NewChannel) => unwrap(api.POST('/api/v1/channels', { body }));
/** Changes a channel (only the fields sent). */
export const updateChannel = (id: string, body: ChannelPatch) => unwrap(api.PATCH('/api/v1/channels/{id}', { params: { path: { id } }, body }));
/** Deletes a channel (its conversations stay). */
export const deleteChannel = (id: string) => unwrap(api.DELETE('/api/v1/channels/{id}', { params: { path: { id } } }));
/** "Check connection". */
export const checkChannel = (id: string) => unwrap(api.POST('/api/v1/channels/{id}/check', { params: { path: { id } } }));
