import { useRevalidator } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { isInFlight, type DocumentView } from '../lib/documents';

/** Subscribes to the document event stream of one site; EventSource reconnects by itself after drops. */
export function useDocumentEvents(
  clientId: string,
  onDocument: (document: DocumentView) => void,
  onDeleted: (id: string) => void,
) {
  const [connected, setConnected] = useState(false);
  const lastEventAt = useRef(Date.now());
  const handlers = useRef({ onDocument, onDeleted });
  handlers.current = { onDocument, onDeleted };
  useEffect(() => {
    const source = new EventSource(`/api/dashboard/documents/events?clientId=${encodeURIComponent(clientId)}`);
    source.addEventListener('open', () => setConnected(true));
    source.addEventListener('error', () => setConnected(false));
    source.addEventListener('document', (event) => {
      const { document } = JSON.parse((event as MessageEvent<string>).data) as { document: DocumentView };
      lastEventAt.current = Date.now();
      handlers.current.onDocument(document);
    });
    source.addEventListener('deleted', (event) => {
      const { documentId } = JSON.parse((event as MessageEvent<string>).data) as { documentId: string };
      handlers.current.onDeleted(documentId);
    });
    return () => source.close();
  }, [clientId]);
  return { connected, lastEventAt };
}

const QUIET_AFTER_MS = 4000;

/**
 * A safety net under the event stream: while a document shows as in progress but no event has
 * arrived for a few seconds (a change the stream skipped, e.g. a re-ingest that finished between
 * two of its polls, or a reconnect), the loader is asked again. While work is visibly moving,
 * events arrive every second and this never fires.
 */
export function useRefreshWhileQuiet(documents: DocumentView[], lastEventAt: { current: number }) {
  const revalidator = useRevalidator();
  const waiting = documents.some(isInFlight);
  const state = useRef(revalidator);
  state.current = revalidator;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => {
      if (Date.now() - lastEventAt.current > QUIET_AFTER_MS && state.current.state === 'idle') {
        lastEventAt.current = Date.now();
        state.current.revalidate();
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [waiting, lastEventAt]);
}
