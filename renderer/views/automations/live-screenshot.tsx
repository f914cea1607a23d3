import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import { formatClock } from '../../components/format.ts';

/** How often the live view asks for a new picture: often enough to follow, rarely enough for a busy machine. */
export const LIVE_REFRESH_MS = 2000;

/** True while the page is visible (not a background tab, not a minimized window). */
export function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const onChange = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  return visible;
}

type Shot = { src: string; url: string | null; at: string };

/**
 * What the run's browser shows now. Mounted only while the run is running;
 * asks for a new screenshot LIVE_REFRESH_MS after the last one arrived (never
 * two at once), and not at all while the page is hidden.
 */
export function LiveScreenshot({ runId, label }: { runId: string; label: string }) {
  const api = useApi();
  const visible = usePageVisible();
  const [shot, setShot] = useState<Shot | null>(null);
  const [waiting, setWaiting] = useState(false);

  useEffect(() => {
    if (!visible) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const tick = async () => {
      try {
        const s = await api.call('automations.screenshot', { runId });
        if (stopped) return;
        setShot({ src: `data:${s.mime};base64,${s.base64}`, url: s.url, at: s.at });
        setWaiting(false);
      } catch {
        // The browser is not open yet, or the run just ended: the next picture (or the unmount) settles it.
        if (!stopped) setWaiting(true);
      }
      if (!stopped) timer = setTimeout(() => void tick(), LIVE_REFRESH_MS);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [api, runId, visible]);

  return (
    <figure className="live-view">
      {shot ? (
        <img className="screenshot" src={shot.src} alt={`What the browser of ${label} shows now${shot.url ? `: ${shot.url}` : ''}`} />
      ) : (
        <p className="screenshot-placeholder muted">{waiting ? 'Waiting for the browser…' : 'Loading the live view…'}</p>
      )}
      <figcaption className="muted">
        Live view{shot ? ` · ${shot.url ?? ''}` : ''}
        {shot ? (
          <>
            {' · '}
            <time dateTime={shot.at}>{formatClock(shot.at)}</time>
          </>
        ) : null}
        {visible ? '' : ' · paused while the window is hidden'}
      </figcaption>
    </figure>
  );
}
