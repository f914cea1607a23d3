import { storageToText } from '../atlassian-storage.ts';
import type { SourceRecord } from '../types.ts';

/** A page or blog post as the v2 API returns it (fields the mirror uses). */
export interface ConfContentJson {
  id: string;
  status?: string;
  title?: string;
  spaceId?: string;
  parentId?: string | null;
  authorId?: string;
  createdAt?: string;
  version?: { number?: number; createdAt?: string; authorId?: string; message?: string };
  body?: { storage?: { value?: string } };
  _links?: { webui?: string; tinyui?: string };
}

/** When a page last changed: its current version's time. */
export function modifiedAt(c: ConfContentJson): string | null {
  return c.version?.createdAt ?? c.createdAt ?? null;
}

/**
 * A page or blog post as a mirrored record: id = the content id, text = title
 * plus the storage body as plain text, url = the site's /wiki base + webui path.
 */
export function mapContent(c: ConfContentJson, kind: 'page' | 'blogpost', spaceKey: string, wikiBase: string | null): SourceRecord {
  const title = c.title ?? `(untitled ${kind} ${c.id})`;
  const modified = modifiedAt(c);
  return {
    externalId: c.id,
    kind,
    title,
    url: wikiBase && c._links?.webui ? `${wikiBase}${c._links.webui}` : null,
    status: c.status ?? null,
    author: c.version?.authorId ?? c.authorId ?? null,
    updatedAt: modified ? new Date(modified).toISOString() : null,
    text: [title, storageToText(c.body?.storage?.value)].filter(Boolean).join('\n'),
    container: spaceKey,
    raw: c,
  };
}
