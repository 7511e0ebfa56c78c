import { useEffect, useState } from 'react';
import { formatRelative, formatUtcDate, formatUtcDateTime } from '../lib/format';
import { useHydrated } from './use-hydrated';

const localDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const localDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/**
 * A timestamp in the reader's own time zone. The server cannot know it, so the server (and the
 * hydrating render) print UTC and the browser switches to local time right after hydration.
 */
export function LocalTime({ iso, mode = 'datetime' }: { iso: string; mode?: 'datetime' | 'date' | 'relative' }) {
  const hydrated = useHydrated();
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    if (mode !== 'relative') return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, [mode]);

  const date = new Date(iso);
  let text: string;
  if (!hydrated) text = mode === 'date' ? formatUtcDate(iso) : formatUtcDateTime(iso);
  else if (mode === 'relative' && now !== null) text = formatRelative(iso, now);
  else text = mode === 'date' ? localDate.format(date) : localDateTime.format(date);
  return (
    <time dateTime={iso} title={hydrated ? localDateTime.format(date) : formatUtcDateTime(iso)}>
      {text}
    </time>
  );
}
