import type { SourceRecord } from '../types.ts';
import type { GraphDrive, GraphList, ResolvedSite } from './graph-client.ts';

interface IdentitySet {
  user?: { displayName?: string; email?: string } | null;
}

export interface DriveItem {
  id: string;
  name?: string;
  webUrl?: string;
  size?: number;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  createdBy?: IdentitySet;
  lastModifiedBy?: IdentitySet;
  file?: { mimeType?: string } | null;
  folder?: { childCount?: number } | null;
  root?: object | null;
  deleted?: { state?: string } | null;
}

export interface ListItem {
  id: string;
  webUrl?: string;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  createdBy?: IdentitySet;
  lastModifiedBy?: IdentitySet;
  contentType?: { name?: string };
  fields?: Record<string, unknown>;
  deleted?: { state?: string } | null;
}

/** The mirror id of a document: drive ids are unique, item ids only within their drive. */
export const documentId = (driveId: string, itemId: string) => `${driveId}/${itemId}`;
/** The mirror id of a list item: list item ids are small numbers per list. */
export const listItemId = (listId: string, itemId: string) => `${listId}/${itemId}`;

/** Where a document lives below its library, e.g. "/Finance/Budget 2025.xlsx" (from its webUrl; delta omits paths). */
export function documentPath(drive: GraphDrive, item: DriveItem): string {
  if (item.webUrl && item.webUrl.toLowerCase().startsWith(drive.webUrl.toLowerCase())) {
    const rest = item.webUrl.slice(drive.webUrl.length);
    try {
      return decodeURIComponent(rest) || '/';
    } catch {
      return rest;
    }
  }
  return `/${item.name ?? ''}`;
}

/** A file of a document library as a mirrored record (kind `document`); folders are not mirrored. */
export function mapDocument(site: ResolvedSite, drive: GraphDrive, item: DriveItem): SourceRecord {
  const path = documentPath(drive, item);
  const modifiedBy = item.lastModifiedBy?.user?.displayName ?? null;
  const createdBy = item.createdBy?.user?.displayName ?? null;
  return {
    externalId: documentId(drive.id, item.id),
    kind: 'document',
    title: item.name ?? path.split('/').pop() ?? item.id,
    url: item.webUrl ?? null,
    status: null,
    author: modifiedBy ?? createdBy,
    updatedAt: item.lastModifiedDateTime ?? null,
    text: [
      item.name,
      `Path: ${drive.name}${path}`,
      `Site: ${site.title}`,
      item.file?.mimeType ? `Type: ${item.file.mimeType}` : '',
      modifiedBy ? `Modified by ${modifiedBy}` : '',
      createdBy && createdBy !== modifiedBy ? `Created by ${createdBy}` : '',
    ]
      .filter(Boolean)
      .join('\n'),
    container: `${site.title} / ${drive.name}`,
    raw: item,
  };
}

/** Fields SharePoint adds to every item; the rest are the list's own columns. */
const SYSTEM_FIELDS = new Set(['id', 'ContentType', 'Modified', 'Created', 'AuthorLookupId', 'EditorLookupId', 'AppAuthorLookupId', 'AppEditorLookupId', 'Attachments', 'Edit', 'LinkTitleNoMenu', 'LinkTitle', 'ItemChildCount', 'FolderChildCount', 'DocIcon', 'Title']);

function fieldText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  if (Array.isArray(v)) return v.map(fieldText).filter(Boolean).join(', ');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return String(o.LookupValue ?? o.displayName ?? o.Email ?? o.Label ?? JSON.stringify(v));
  }
  return String(v);
}

/** A list item as a mirrored record (kind `list_item`), its columns as searchable text. */
export function mapListItem(site: ResolvedSite, list: GraphList, item: ListItem): SourceRecord {
  const fields = item.fields ?? {};
  const title = fieldText(fields.Title) || fieldText(fields.LinkTitle) || `${list.displayName} #${item.id}`;
  const columns = Object.entries(fields)
    .filter(([k, v]) => !k.startsWith('@') && !k.startsWith('_') && !SYSTEM_FIELDS.has(k) && fieldText(v) !== '')
    .map(([k, v]) => `${k}: ${fieldText(v)}`);
  const status = fieldText(fields.Status) || null;
  return {
    externalId: listItemId(list.id, item.id),
    kind: 'list_item',
    title,
    url: item.webUrl ?? null,
    status,
    author: item.createdBy?.user?.displayName ?? null,
    updatedAt: item.lastModifiedDateTime ?? null,
    text: [title, ...columns, `List: ${list.displayName}`, `Site: ${site.title}`].join('\n'),
    container: `${site.title} / ${list.displayName}`,
    raw: item,
  };
}
