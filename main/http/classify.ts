import { KinexusError, type ErrorCode } from '../../shared/errors.ts';

/** Pulls the vendor's own error text out of a JSON or text body, briefly. */
export function vendorMessage(bodyText: string): string | undefined {
  const text = bodyText.trim();
  if (!text) return undefined;
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const candidates: unknown[] = [
      j.message,
      j.error_description,
      typeof j.error === 'object' && j.error ? (j.error as Record<string, unknown>).message : j.error,
      Array.isArray(j.errorMessages) ? j.errorMessages.join('; ') : undefined,
      Array.isArray(j.errors) && j.errors[0] && typeof j.errors[0] === 'object' ? (j.errors[0] as Record<string, unknown>).message : undefined,
      typeof j.errors === 'object' && j.errors && !Array.isArray(j.errors) ? Object.values(j.errors as Record<string, unknown>).join('; ') : undefined,
    ];
    for (const c of candidates) if (typeof c === 'string' && c.trim()) return c.trim().slice(0, 300);
    return undefined;
  } catch {
    return text.startsWith('<') ? undefined : text.slice(0, 200);
  }
}

/** The code an HTTP status maps to when nothing more specific is known. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'config';
}

/** The one next step a user can take for a code, naming the integration. */
export function actionFor(code: ErrorCode, title: string): string {
  switch (code) {
    case 'auth':
      return `Reconnect ${title}: enter a valid token or password`;
    case 'permission':
      return `Give the ${title} account access, or remove what it cannot read from the settings`;
    case 'config':
    case 'not_found':
      return `Open the ${title} settings and correct them`;
    case 'rate_limited':
      return 'Wait: the sync retries by itself after the limit resets';
    case 'network':
      return 'Check your network connection or proxy; the sync retries by itself';
    case 'server':
      return `${title} is having trouble; the sync retries by itself`;
    case 'cancelled':
      return 'Start the sync again when you are ready';
    case 'secrets_unavailable':
      return 'Unlock or install the OS keychain, then retry';
    default:
      return 'Retry now; if it keeps failing, open the sync log';
  }
}

/** Builds the error for a final (non-retried) HTTP failure. */
export function httpError(title: string, status: number, method: string, url: string, bodyText: string, code: ErrorCode = codeForStatus(status)): KinexusError {
  const vendor = vendorMessage(bodyText);
  const what =
    code === 'auth'
      ? `${title} rejected the credentials (${status}${vendor ? ` ${vendor}` : ''})`
      : code === 'permission'
        ? `${title} denied access to ${pathOf(url)} (${status}${vendor ? ` ${vendor}` : ''})`
        : code === 'not_found'
          ? `${title} has nothing at ${pathOf(url)} (${status}${vendor ? ` ${vendor}` : ''})`
          : code === 'server'
            ? `${title} failed with a server error (${status}${vendor ? ` ${vendor}` : ''}) on ${method} ${pathOf(url)}`
            : `${title} refused ${method} ${pathOf(url)} (${status}${vendor ? ` ${vendor}` : ''})`;
  return new KinexusError(code, what, { action: actionFor(code, title) });
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname;
  } catch {
    return url;
  }
}
