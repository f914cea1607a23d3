import type { ApiClient } from './client.ts';

/**
 * Opens a mirrored record's URL in the system browser. The core checks it
 * (http/https on a host of a configured integration) and opens it where it
 * can (Electron); in a browser tab the page opens the approved URL itself, in
 * a new tab without opener or referrer. Throws the core's ApiError when refused.
 */
export async function openExternalLink(api: ApiClient, url: string, win: Pick<Window, 'open'> = window): Promise<void> {
  const result = await api.call('links.open', { url });
  if (!result.opened) win.open(result.url, '_blank', 'noopener,noreferrer');
}
