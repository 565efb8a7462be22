import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { NOTIFICATION_SOUNDS, type NotificationSound, playNotificationSound } from '../../components/notification-sound.ts';
import { inboxKeys } from './api.ts';

const EVENT_TYPES = ['message.created', 'message.status', 'note.created', 'conversation.updated', 'conversation.assigned'] as const;

interface Notifications {
  soundEnabled: boolean;
  sound: NotificationSound;
  volume: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function parseNotifications(value: unknown): Notifications | null {
  if (!isRecord(value)) return null;
  const sound = NOTIFICATION_SOUNDS.find((s) => s === value.sound);
  if (typeof value.soundEnabled !== 'boolean' || !sound || typeof value.volume !== 'number') return null;
  return { soundEnabled: value.soundEnabled, sound, volume: value.volume };
}

/**
 * Keeps the inbox live: subscribes to `GET /api/v1/events` (server-sent events; the browser reconnects
 * by itself), refreshes what an event touches, and plays the organization's notification sound when a
 * customer writes. Returns whether the stream is connected.
 */
export function useInboxEvents(): boolean {
  const client = useQueryClient();
  const [connected, setConnected] = useState(false);
  const notifications = useRef<Notifications | null>(null);

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/v1/events');
    let listTimer: ReturnType<typeof setTimeout> | undefined;
    // A burst of events refreshes the list once.
    const refreshLists = () => {
      clearTimeout(listTimer);
      listTimer = setTimeout(() => void client.invalidateQueries({ queryKey: [...inboxKeys.lists, 'list'] }), 250);
    };
    source.addEventListener('open', () => setConnected(true));
    source.addEventListener('error', () => setConnected(false));
    const onSettings = (e: MessageEvent<string>) => {
      const data: unknown = JSON.parse(e.data);
      if (isRecord(data)) notifications.current = parseNotifications(data.notifications) ?? notifications.current;
    };
    source.addEventListener('ready', onSettings);
    source.addEventListener('settings', onSettings);
    const onEvent = (e: MessageEvent<string>) => {
      const event: unknown = JSON.parse(e.data);
      if (!isRecord(event) || typeof event.conversationId !== 'string') return;
      const id = event.conversationId;
      if (event.type === 'message.created' || event.type === 'message.status' || event.type === 'note.created') {
        void client.invalidateQueries({ queryKey: inboxKeys.messages(id) });
      }
      void client.invalidateQueries({ queryKey: inboxKeys.one(id) });
      refreshLists();
      const message = isRecord(event.data) ? event.data : null;
      const settings = notifications.current;
      if (event.type === 'message.created' && message?.direction === 'in' && settings?.soundEnabled) {
        void playNotificationSound(settings.sound, settings.volume);
      }
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, onEvent);
    return () => {
      clearTimeout(listTimer);
      source.close();
    };
  }, [client]);

  return connected;
}
