import { useEffect, useRef, useState } from 'react';

/** Puts text on the clipboard; false when the page may not (no permission, no focus, no clipboard). */
export async function copyText(text: string): Promise<boolean> {
  if (!navigator.clipboard) return false;
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** What the last copy did: 'copied', 'blocked' (the page may not copy), or nothing yet / any more. */
export type CopyState = 'copied' | 'blocked' | null;

/**
 * Copies what `produce` resolves to, and says how it went for a few seconds.
 * `produce` runs at the click, so a secret is fetched only when it is copied
 * and never kept in the component. A throw of `produce` is rethrown for the
 * caller to show.
 */
export function useCopy(clearAfterMs = 8000): { state: CopyState; copy: (produce: () => string | Promise<string>) => Promise<void> } {
  const [state, setState] = useState<CopyState>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  async function copy(produce: () => string | Promise<string>): Promise<void> {
    setState(null);
    if (timer.current) clearTimeout(timer.current);
    const ok = await copyText(await produce());
    setState(ok ? 'copied' : 'blocked');
    timer.current = setTimeout(() => setState(null), clearAfterMs);
  }
  return { state, copy };
}
