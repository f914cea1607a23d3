import { isIP } from 'node:net';

/** Longer URLs are refused outright: no real link to a work item needs more. */
const MAX_URL_LENGTH = 16_384;

/** Hosts every connector links to even when its settings name no URL. */
const CONNECTOR_HOSTS: Readonly<Record<string, readonly string[]>> = {
  github: ['github.com'],
  monday: ['monday.com'],
};

/**
 * Normalizes a configured host ("acme.atlassian.net", "https://acme.atlassian.net/wiki",
 * "*.example.com") to a lower-case ASCII hostname, or null when it is not a usable host.
 * Single-label names other than localhost are refused: "com" would allow half the web.
 */
export function normalizeAllowedHost(entry: string): string | null {
  let text = entry.trim();
  if (text === '') return null;
  if (text.startsWith('*.')) text = text.slice(2);
  let parsed: URL;
  try {
    if (text.includes('://')) {
      parsed = new URL(text);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    } else {
      parsed = new URL(`https://${text}/`);
      if (parsed.pathname !== '/' || parsed.search !== '' || parsed.hash !== '' || parsed.port !== '') return null;
    }
  } catch {
    return null;
  }
  if (parsed.username !== '' || parsed.password !== '') return null;
  const host = stripTrailingDot(parsed.hostname);
  if (host === '') return null;
  if (!host.includes('.') && !host.startsWith('[') && host !== 'localhost') return null;
  return host;
}

/**
 * True when `url` may be handed to the OS browser: http(s) only, no user info,
 * and its host equals a configured host or is a subdomain of one at a label
 * boundary. IP hosts must match exactly, and punycode labels are refused in
 * the subdomain part so a look-alike cannot hide above a trusted domain.
 */
export function isAllowedExternalUrl(url: string, allowedHosts: readonly string[]): boolean {
  const parsed = parseExternalUrl(url);
  if (!parsed) return false;
  const host = stripTrailingDot(parsed.hostname);
  const labels = host.split('.');
  for (const entry of allowedHosts) {
    const allowed = normalizeAllowedHost(entry);
    if (!allowed) continue;
    if (host === allowed) return true;
    if (isIpHost(host) || isIpHost(allowed)) continue;
    if (!host.endsWith(`.${allowed}`)) continue;
    const sub = labels.slice(0, labels.length - allowed.split('.').length);
    if (sub.every((label) => label !== '' && !label.startsWith('xn--'))) return true;
  }
  return false;
}

/** Parses a candidate external URL; null unless it is http(s) without user info. */
function parseExternalUrl(url: unknown): URL | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (parsed.username !== '' || parsed.password !== '') return null;
  if (parsed.hostname === '') return null;
  return parsed;
}

/**
 * The hosts the user has configured: every http(s) URL found in an
 * integration's settings, plus the fixed hosts of its connector.
 */
export function allowedHostsFromIntegrations(integrations: readonly { connector: string; settings: Record<string, unknown> }[]): string[] {
  const hosts = new Set<string>();
  for (const integration of integrations) {
    for (const host of CONNECTOR_HOSTS[integration.connector] ?? []) hosts.add(host);
    for (const value of Object.values(integration.settings ?? {})) {
      for (const candidate of Array.isArray(value) ? value : [value]) {
        if (typeof candidate !== 'string' || !/^https?:\/\//i.test(candidate.trim())) continue;
        const host = normalizeAllowedHost(candidate);
        if (host) hosts.add(host);
      }
    }
  }
  return [...hosts].sort();
}

/**
 * Wraps `shell.openExternal`: opens the normalized URL only when it passes
 * isAllowedExternalUrl against the current allowed hosts. Resolves to whether it opened.
 */
export function createExternalOpener(deps: {
  allowedHosts: () => readonly string[] | Promise<readonly string[]>;
  open: (url: string) => Promise<void>;
  onRefused?: (url: string) => void;
}): (url: string) => Promise<boolean> {
  return async (url: string) => {
    let hosts: readonly string[] = [];
    try {
      hosts = await deps.allowedHosts();
    } catch {
      hosts = [];
    }
    if (!isAllowedExternalUrl(url, hosts)) {
      deps.onRefused?.(typeof url === 'string' ? url : String(url));
      return false;
    }
    // Open exactly what was checked, not the raw string.
    await deps.open(new URL(url).href);
    return true;
  };
}

function stripTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

function isIpHost(host: string): boolean {
  return host.startsWith('[') || isIP(host) !== 0;
}
