import { formatRelative, formatTime } from './format.ts';
import { useNow } from './use-now.ts';

/** A time in words relative to now ("3 minutes ago"); the absolute time shows on hover and is in `datetime`. */
export function RelativeTime({ iso, fallback = 'never' }: { iso: string | null | undefined; fallback?: string }) {
  // The shared clock only says when to re-render; the text uses the time of this render.
  useNow();
  if (!iso) return <span className="muted">{fallback}</span>;
  return (
    <time dateTime={iso} title={formatTime(iso)}>
      {formatRelative(iso, Date.now())}
    </time>
  );
}
