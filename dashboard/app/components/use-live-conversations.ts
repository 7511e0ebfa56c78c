import { useRevalidator } from '@remix-run/react';
import { useEffect } from 'react';

/**
 * Keeps a conversations page current: listens to `/api/dashboard/chats/events` and reloads the
 * route's data when a session gets a message or a rating (as the documents page does with its
 * own stream). EventSource reconnects by itself after a network blip.
 */
export function useLiveConversations(clientId: string): void {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/dashboard/chats/events?clientId=${encodeURIComponent(clientId)}`);
    const onChanged = () => {
      if (document.visibilityState !== 'hidden') revalidator.revalidate();
    };
    source.addEventListener('changed', onChanged);
    return () => {
      source.removeEventListener('changed', onChanged);
      source.close();
    };
    // revalidator is stable enough for this purpose; re-subscribing on each render would drop events.
  }, [clientId]);
}
