/**
 * The JSON shapes Microsoft Graph v1.0 answers for SharePoint resources
 * (site, drive, driveItem, list, listItem), from the resource pages on
 * learn.microsoft.com. Only the properties a sync client reads plus the usual
 * neighbours; deleted items are reduced the way OneDrive for Business does
 * (no name, no cTag, a `deleted` facet).
 */
import { createHash } from 'node:crypto';
import type { GraphState, SpDrive, SpItem, SpList, SpListItem, SpSite, Who } from './graph-state.ts';

const user = (w: Who) => ({ user: { ...(w.email ? { email: w.email } : {}), displayName: w.displayName } });
const tag = (id: string, seq: number) => `"{${createHash('md5').update(id).digest('hex').slice(0, 32).toUpperCase().replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')}},${seq}"`;

export function siteJson(g: GraphState, s: SpSite): Record<string, unknown> {
  return {
    createdDateTime: s.created,
    description: '',
    id: s.id,
    lastModifiedDateTime: s.created,
    name: s.name,
    webUrl: g.siteUrl(s),
    displayName: s.displayName,
    ...(s.path === '' ? { root: {} } : {}),
    siteCollection: { hostname: s.hostname },
  };
}

export function driveWebUrl(g: GraphState, d: SpDrive): string {
  return `${g.siteUrl(g.sites.get(d.siteId)!)}/${encodeURIComponent(d.urlName)}`;
}

export function driveJson(g: GraphState, d: SpDrive): Record<string, unknown> {
  const used = [...d.items.values()].filter((i) => !i.deleted).reduce((n, i) => n + i.size, 0);
  return {
    createdDateTime: g.lists.get(d.listId)!.created,
    description: '',
    id: d.id,
    lastModifiedDateTime: g.lists.get(d.listId)!.created,
    name: d.name,
    webUrl: driveWebUrl(g, d),
    driveType: 'documentLibrary',
    createdBy: user({ displayName: 'System Account' }),
    owner: { group: { displayName: `${g.sites.get(d.siteId)!.displayName} Owners` } },
    quota: { deleted: 0, remaining: 27_487_790_694_400 - used, state: 'normal', total: 27_487_790_694_400, used },
  };
}

export function itemJson(g: GraphState, d: SpDrive, it: SpItem): Record<string, unknown> {
  const parentReference = { driveType: 'documentLibrary', driveId: d.id, ...(it.parentId ? { id: it.parentId } : {}) };
  if (it.deleted) {
    return { id: it.id, lastModifiedDateTime: it.modified, parentReference, deleted: { state: 'deleted' }, ...(it.folder ? { folder: { childCount: 0 } } : { file: {} }) };
  }
  const segs = g.segments(d, it);
  const base = driveWebUrl(g, d);
  const children = it.folder ? [...d.items.values()].filter((c) => c.parentId === it.id && !c.deleted).length : 0;
  return {
    createdDateTime: it.created,
    eTag: tag(it.id, it.seq),
    id: it.id,
    lastModifiedDateTime: it.modified,
    name: it.name,
    webUrl: segs.length ? `${base}/${segs.map(encodeURIComponent).join('/')}` : base,
    cTag: `"c:${tag(it.id, it.seq).slice(1)}`,
    size: it.size,
    createdBy: user(it.createdBy),
    lastModifiedBy: user(it.modifiedBy),
    parentReference,
    fileSystemInfo: { createdDateTime: it.created, lastModifiedDateTime: it.modified },
    ...(it.id === d.rootId ? { root: {} } : {}),
    ...(it.folder ? { folder: { childCount: children } } : { file: { mimeType: it.mimeType, hashes: { quickXorHash: createHash('sha1').update(`${it.id}:${it.seq}`).digest('base64').slice(0, 27) + '=' } } }),
  };
}

export function listWebUrl(g: GraphState, l: SpList): string {
  const site = g.siteUrl(g.sites.get(l.siteId)!);
  return l.template === 'documentLibrary' ? `${site}/${encodeURIComponent(l.name)}` : `${site}/Lists/${encodeURIComponent(l.name)}`;
}

export function listJson(g: GraphState, l: SpList): Record<string, unknown> {
  return {
    '@odata.etag': tag(l.id, 1),
    createdDateTime: l.created,
    description: '',
    eTag: tag(l.id, 1),
    id: l.id,
    lastModifiedDateTime: l.created,
    name: l.name,
    webUrl: listWebUrl(g, l),
    displayName: l.displayName,
    createdBy: user({ displayName: 'System Account' }),
    parentReference: { siteId: l.siteId },
    list: { contentTypesEnabled: false, hidden: l.hidden, template: l.template },
  };
}

export function listItemJson(g: GraphState, l: SpList, it: SpListItem, expandFields: boolean): Record<string, unknown> {
  if (it.deleted) return { id: it.id, parentReference: { siteId: l.siteId }, contentType: { id: '0x0100', name: it.contentType }, deleted: { state: 'deleted' } };
  const out: Record<string, unknown> = {
    '@odata.etag': tag(`${l.id}/${it.id}`, it.seq),
    createdDateTime: it.created,
    eTag: tag(`${l.id}/${it.id}`, it.seq),
    id: it.id,
    lastModifiedDateTime: it.modified,
    webUrl: `${listWebUrl(g, l)}/${it.id}_.000`,
    createdBy: user(it.createdBy),
    lastModifiedBy: user(it.modifiedBy),
    parentReference: { id: l.id, siteId: l.siteId },
    contentType: { id: '0x0100', name: it.contentType },
  };
  if (expandFields) {
    out.fields = {
      '@odata.etag': tag(`${l.id}/${it.id}`, it.seq),
      ...it.fields,
      id: it.id,
      ContentType: it.contentType,
      Modified: it.modified,
      Created: it.created,
      AuthorLookupId: '7',
      EditorLookupId: '7',
      _UIVersionString: `${it.seq}.0`,
      Attachments: false,
      Edit: '',
      LinkTitleNoMenu: it.fields.Title ?? '',
      LinkTitle: it.fields.Title ?? '',
      ItemChildCount: '0',
      FolderChildCount: '0',
      _ComplianceFlags: '',
      _ComplianceTag: '',
      _ComplianceTagWrittenTime: '',
      _ComplianceTagUserId: '',
    };
  }
  return out;
}
