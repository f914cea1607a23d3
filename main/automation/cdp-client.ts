import WebSocket from 'ws';

/**
 * The few DevTools Protocol calls the core makes itself on the browser it
 * owns: live screenshots of the page the SDK drives, and a polite
 * Browser.close before the process group is ended.
 */

interface Target {
  type: string;
  url: string;
  webSocketDebuggerUrl?: string;
}

/** GET (or PUT) a JSON document from the browser's loopback DevTools HTTP endpoint. */
export async function cdpJson<T>(httpBase: string, pathname: string, timeoutMs = 5000): Promise<T> {
  const res = await fetch(`${httpBase}${pathname}`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`DevTools ${pathname} answered ${res.status}`);
  return (await res.json()) as T;
}

/** Sends one CDP command over a fresh connection and resolves with its result. */
export function cdpCall<T>(wsUrl: string, method: string, params: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`DevTools ${method} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      ws.close();
      fn();
    };
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, method, params })));
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: T; error?: { message: string } };
      if (msg.id !== 1) return;
      if (msg.error) finish(() => reject(new Error(`DevTools ${method}: ${msg.error!.message}`)));
      else finish(() => resolve(msg.result as T));
    });
    ws.on('error', (err) => finish(() => reject(err)));
    ws.on('close', () => finish(() => reject(new Error(`DevTools closed the connection during ${method}`))));
  });
}

/** The page the SDK is driving: the first ordinary page target. */
export async function pageTarget(httpBase: string): Promise<Target | null> {
  const list = await cdpJson<Target[]>(httpBase, '/json/list');
  return list.find((t) => t.type === 'page' && t.webSocketDebuggerUrl) ?? null;
}

/** A PNG of what the page shows now, with its URL. */
export async function captureScreenshot(httpBase: string, timeoutMs = 10_000): Promise<{ png: Buffer; url: string | null }> {
  const target = await pageTarget(httpBase);
  if (!target?.webSocketDebuggerUrl) throw new Error('the browser has no page open');
  const r = await cdpCall<{ data: string }>(target.webSocketDebuggerUrl, 'Page.captureScreenshot', { format: 'png' }, timeoutMs);
  return { png: Buffer.from(r.data, 'base64'), url: target.url || null };
}
