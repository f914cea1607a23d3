import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts';

export { CONTENT_SECURITY_POLICY };

/** Headers on every HTTP response of the host, errors included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const TEXTS: Record<number, { title: string; body: string }> = {
  400: { title: 'Bad request', body: 'The request could not be understood.' },
  401: {
    title: 'Token required',
    body: 'This Kinexus page needs its session token. Open the full address that <code>kinexus serve</code> printed, including <code>?token=…</code>.',
  },
  403: { title: 'Forbidden', body: 'Kinexus only answers pages it served itself, at 127.0.0.1 or localhost.' },
  404: { title: 'Not found', body: 'There is nothing at this address.' },
  405: { title: 'Method not allowed', body: 'Only GET and HEAD are served here.' },
  426: { title: 'Upgrade required', body: 'This address is the WebSocket API.' },
  503: {
    title: 'Renderer not built',
    body: 'The user interface has not been built yet. Run <code>npm run build:renderer</code> and reload.',
  },
};

/** A small HTML error page (no scripts, no styles, so the CSP holds). */
export function errorPage(status: number): string {
  const t = TEXTS[status] ?? { title: `Error ${status}`, body: '' };
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Kinexus — ${t.title}</title></head><body><main><h1>${t.title}</h1><p>${t.body}</p></main></body></html>\n`;
}

/** Sends an error page with the security headers. */
export function sendError(res: ServerResponse, status: number, extraHeaders: Record<string, string> = {}): void {
  const body = errorPage(status);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...extraHeaders });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Refuses a WebSocket upgrade with a plain HTTP response and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number): void {
  const reason = TEXTS[status]?.title ?? 'Error';
  const body = `${reason}\n`;
  const head = [
    `HTTP/1.1 ${status} ${reason}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(SECURITY_HEADERS).map(([k, v]) => `${k}: ${v}`),
  ].join('\r\n');
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(`${head}\r\n\r\n${body}`);
}
