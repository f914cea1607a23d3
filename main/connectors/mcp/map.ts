import type { ReadResourceResult, Resource, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { SourceRecord } from '../types.ts';

/** Text of one resource kept for search; more than this is cut (the raw record says so). */
export const MAX_RESOURCE_TEXT = 256 * 1024;

function webUrl(uri: string): string | null {
  return /^https?:\/\//i.test(uri) ? uri : null;
}

/** Maps a listed resource and what reading it returned to a mirrored record. */
export function mapResource(server: string, r: Resource, read: ReadResourceResult): SourceRecord {
  const parts: string[] = [];
  const contents = read.contents.map((c) => {
    if ('text' in c && typeof c.text === 'string') {
      parts.push(c.text);
      return { uri: c.uri, mimeType: c.mimeType ?? null, kind: 'text', chars: c.text.length };
    }
    // Binary contents are not searchable; the record keeps only what they are.
    const blob = 'blob' in c && typeof c.blob === 'string' ? c.blob : '';
    return { uri: c.uri, mimeType: c.mimeType ?? null, kind: 'blob', bytes: Math.floor((blob.length * 3) / 4) };
  });
  let text = [r.description, ...parts].filter(Boolean).join('\n\n');
  const truncated = text.length > MAX_RESOURCE_TEXT;
  if (truncated) text = text.slice(0, MAX_RESOURCE_TEXT);
  const lastModified = typeof r.annotations?.lastModified === 'string' ? r.annotations.lastModified : null;
  return {
    externalId: r.uri,
    kind: 'resource',
    title: r.title ?? r.name ?? r.uri,
    url: webUrl(r.uri),
    status: r.mimeType ?? null,
    author: null,
    updatedAt: lastModified,
    text,
    container: server,
    raw: { uri: r.uri, name: r.name, title: r.title ?? null, description: r.description ?? null, mimeType: r.mimeType ?? null, size: r.size ?? null, annotations: r.annotations ?? null, contents, truncated },
  };
}

function describeParams(schema: Tool['inputSchema']): string {
  const props = (schema?.properties ?? {}) as Record<string, { type?: unknown; description?: unknown }>;
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.entries(props)
    .map(([name, p]) => `${name}${required.has(name) ? '' : '?'}${typeof p?.type === 'string' ? `: ${p.type}` : ''}${typeof p?.description === 'string' ? ` — ${p.description}` : ''}`)
    .join('\n');
}

/** Maps one tool of the server's catalogue to a mirrored record. */
export function mapTool(server: string, t: Tool): SourceRecord {
  const params = describeParams(t.inputSchema);
  const readOnly = t.annotations?.readOnlyHint === true;
  return {
    externalId: t.name,
    kind: 'tool',
    title: t.title ?? t.annotations?.title ?? t.name,
    url: null,
    status: readOnly ? 'read-only' : t.annotations?.destructiveHint ? 'destructive' : null,
    author: null,
    updatedAt: null,
    text: [t.name, t.description, params ? `Parameters:\n${params}` : ''].filter(Boolean).join('\n\n'),
    container: server,
    raw: t,
  };
}

function scrub(value: unknown, secrets: string[]): unknown {
  if (typeof value === 'string') return secrets.reduce((s, v) => (s.includes(v) ? s.split(v).join('[redacted]') : s), value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, secrets)]));
  return value;
}

/**
 * Removes the integration's secret values from a record. A server handed its
 * credential (tokenEnv) may echo it in what it serves; the mirror must not keep it.
 */
export function scrubSecrets(r: SourceRecord, secrets: Readonly<Record<string, string>>): SourceRecord {
  const values = Object.values(secrets).filter((v) => v.length >= 4);
  return values.length === 0 ? r : (scrub(r, values) as SourceRecord);
}
