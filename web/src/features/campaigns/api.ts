import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { BodyOf, ResponseOf } from '../../api/client.ts';

/** A campaign in the list. */
export type Campaign = ResponseOf<'/api/v1/campaigns', 'get'>['items'][number];
/** A campaign with its details. */
export type CampaignDetails = ResponseOf<'/api/v1/campaigns/{id}', 'get'>;
/** A recipient row. */
export type Recipient = ResponseOf<'/api/v1/campaigns/{id}/recipients', 'get'>['items'][number];
/** What the wizard creates. */
export type CampaignBody = BodyOf<'/api/v1/campaigns', 'post'>;
/** Where one parameter's value comes from. */
export type VariableSource = NonNullable<CampaignBody['variables']>[string];
/** The wizard's preview answer. */
export type CampaignPreview = ResponseOf<'/api/v1/campaigns/preview', 'post'>;

/** Query keys of the campaigns feature. */
export const campaignKeys = {
  all: ['campaigns'] as const,
  one: (id: string) => ['campaigns', 'one', id] as const,
  recipients: (id: string) => ['campaigns', 'recipients', id] as const,
};

export const STATUS_COLOR: Record<string, string> = { draft: 'gray', scheduled: 'blue', sending: 'yellow', paused: 'orange', finished: 'teal', cancelled: 'red' };
export const RECIPIENT_COLOR: Record<string, string> = { pending: 'gray', sending: 'yellow', sent: 'blue', delivered: 'cyan', read: 'teal', failed: 'red', skipped: 'orange', cancelled: 'gray' };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * Live updates: listens to `campaign.progress` on the organization's event stream and refreshes the
 * campaigns it concerns (at most once a second per campaign).
 */
export function useCampaignEvents(): void {
  const client = useQueryClient();
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/v1/events');
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    source.addEventListener('campaign.progress', (e: MessageEvent<string>) => {
      const event: unknown = JSON.parse(e.data);
      const id = isRecord(event) && isRecord(event.data) && typeof event.data.campaignId === 'string' ? event.data.campaignId : null;
      if (!id || timers.has(id)) return;
      timers.set(
        id,
        setTimeout(() => {
          timers.delete(id);
          void client.invalidateQueries({ queryKey: campaignKeys.one(id) });
          void client.invalidateQueries({ queryKey: campaignKeys.recipients(id) });
          void client.invalidateQueries({ queryKey: [...campaignKeys.all, 'list'] });
        }, 1000),
      );
    });
    return () => {
      for (const timer of timers.values()) clearTimeout(timer);
      source.close();
    };
  }, [client]);
}
