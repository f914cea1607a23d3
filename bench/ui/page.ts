import type { Page } from 'playwright-core';

/**
 * Waits until the page's main region shows every one of `texts` and not
 * `absent` (e.g. "Loading…"): the moment a benchmark calls a view rendered.
 */
export function waitForText(page: Page, texts: string[], absent: string | undefined, timeoutMs: number): Promise<unknown> {
  return page.waitForFunction(
    ({ texts, absent }) => {
      const text = (document.querySelector('main') ?? document.body).textContent ?? '';
      return texts.every((t) => text.includes(t)) && (!absent || !text.includes(absent));
    },
    { texts, absent },
    { timeout: timeoutMs, polling: 20 },
  );
}
