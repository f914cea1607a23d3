/**
 * SharePoint content behind the emulated Microsoft Graph: sites, document
 * libraries (drives) with folders and files, lists with items, and one change
 * sequence that delta queries page through. Every change (add, edit, delete)
 * takes the next sequence number; a change inside a folder also bumps its
 * ancestors, as OneDrive for Business reports parents of changed items.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface Who {
  displayName: string;
  email?: string;
}

export interface SpSite {
  id: string;
  hostname: string;
  /** Server-relative path, '' for the root site, else like /sites/docs. */
  path: string;
  name: string;
  displayName: string;
  created: string;
  /** Users (object ids) the site denies (403); everyone else in the tenant may read. */
  deniedTo: Set<string>;
  driveIds: string[];
  listIds: string[];
}

export interface SpItem {
  id: string;
  name: string;
  parentId: string | null;
  folder: boolean;
  size: number;
  mimeType: string | null;
  created: string;
  modified: string;
  createdBy: Who;
  modifiedBy: Who;
  deleted: boolean;
  seq: number;
}

export interface SpDrive {
  id: string;
  siteId: string;
  listId: string;
  name: string;
  /** URL segment of the library, e.g. "Shared Documents" for "Documents". */
  urlName: string;
  rootId: string;
  items: Map<string, SpItem>;
  /** Delta tokens of older epochs are answered with 410 Gone. */
  epoch: number;
}

export interface SpListItem {
  id: string;
  fields: Record<string, unknown>;
  contentType: string;
  created: string;
  modified: string;
  createdBy: Who;
  modifiedBy: Who;
  deleted: boolean;
  seq: number;
}

export interface SpList {
  id: string;
  siteId: string;
  name: string;
  displayName: string;
  template: string;
  hidden: boolean;
  created: string;
  driveId: string | null;
  items: Map<string, SpListItem>;
  nextItemId: number;
  epoch: number;
}

const SYSTEM: Who = { displayName: 'System Account' };
const guid = () => randomUUID().toUpperCase();
const itemId = () => `01${randomBytes(20).toString('base64url').replace(/[^A-Z0-9]/gi, 'Q').toUpperCase().slice(0, 32).padEnd(32, 'Z')}`;

export class GraphState {
  readonly sites = new Map<string, SpSite>();
  readonly drives = new Map<string, SpDrive>();
  readonly lists = new Map<string, SpList>();
  /** The change sequence all delta cursors point into. */
  seq = 0;
  private clock: () => Date;

  constructor(clock: () => Date = () => new Date()) {
    this.clock = clock;
  }

  private stamp(): string {
    return this.clock().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** A site with its default "Documents" library. */
  addSite(opts: { hostname: string; path?: string; displayName: string }): SpSite {
    const path = (opts.path ?? '').replace(/\/$/, '');
    const site: SpSite = { id: `${opts.hostname.toLowerCase()},${guid()},${guid()}`, hostname: opts.hostname.toLowerCase(), path, name: path.split('/').pop() || opts.hostname, displayName: opts.displayName, created: this.stamp(), deniedTo: new Set(), driveIds: [], listIds: [] };
    this.sites.set(site.id, site);
    this.addLibrary(site, 'Documents', 'Shared Documents');
    return site;
  }

  findSite(hostname: string, path: string): SpSite | undefined {
    const p = path.replace(/\/$/, '').toLowerCase();
    return [...this.sites.values()].find((s) => s.hostname === hostname.toLowerCase() && s.path.toLowerCase() === p);
  }

  siteUrl(site: SpSite): string {
    return `https://${site.hostname}${site.path}`;
  }

  /** A document library: a list of template documentLibrary and its drive. */
  addLibrary(site: SpSite, displayName: string, urlName = displayName): SpDrive {
    const list = this.addList(site, { displayName, template: 'documentLibrary', name: urlName });
    const drive: SpDrive = { id: `b!${randomBytes(48).toString('base64url')}`, siteId: site.id, listId: list.id, name: displayName, urlName, rootId: itemId(), items: new Map(), epoch: 1 };
    list.driveId = drive.id;
    const now = this.stamp();
    drive.items.set(drive.rootId, { id: drive.rootId, name: 'root', parentId: null, folder: true, size: 0, mimeType: null, created: now, modified: now, createdBy: SYSTEM, modifiedBy: SYSTEM, deleted: false, seq: ++this.seq });
    this.drives.set(drive.id, drive);
    site.driveIds.push(drive.id);
    return drive;
  }

  addList(site: SpSite, opts: { displayName: string; template?: string; hidden?: boolean; name?: string }): SpList {
    const list: SpList = { id: randomUUID(), siteId: site.id, name: opts.name ?? opts.displayName, displayName: opts.displayName, template: opts.template ?? 'genericList', hidden: opts.hidden ?? false, created: this.stamp(), driveId: null, items: new Map(), nextItemId: 1, epoch: 1 };
    this.lists.set(list.id, list);
    site.listIds.push(list.id);
    return list;
  }

  drive(site: SpSite, name = 'Documents'): SpDrive {
    const d = site.driveIds.map((id) => this.drives.get(id)!).find((x) => x.name === name);
    if (!d) throw new Error(`no library ${name} in ${site.displayName}`);
    return d;
  }

  private touchAncestors(drive: SpDrive, parentId: string | null): void {
    for (let p = parentId; p; p = drive.items.get(p)?.parentId ?? null) {
      const it = drive.items.get(p);
      if (it) it.seq = ++this.seq;
    }
  }

  private add(drive: SpDrive, opts: { name: string; parentId?: string; folder: boolean; size?: number; mimeType?: string; by?: Who }): SpItem {
    const parentId = opts.parentId ?? drive.rootId;
    const parent = drive.items.get(parentId);
    if (!parent || !parent.folder || parent.deleted) throw new Error(`no folder ${parentId}`);
    const now = this.stamp();
    const by = opts.by ?? { displayName: 'Adele Vance', email: 'adele@contoso.onmicrosoft.com' };
    const it: SpItem = { id: itemId(), name: opts.name, parentId, folder: opts.folder, size: opts.folder ? 0 : (opts.size ?? 1024), mimeType: opts.folder ? null : (opts.mimeType ?? mimeOf(opts.name)), created: now, modified: now, createdBy: by, modifiedBy: by, deleted: false, seq: ++this.seq };
    drive.items.set(it.id, it);
    this.touchAncestors(drive, parentId);
    return it;
  }

  addFolder(drive: SpDrive, name: string, parentId?: string): SpItem {
    return this.add(drive, { name, parentId, folder: true });
  }

  addFile(drive: SpDrive, opts: { name: string; parentId?: string; size?: number; mimeType?: string; by?: Who }): SpItem {
    return this.add(drive, { ...opts, folder: false });
  }

  /** `n` files named `${prefix} 1.docx` … in one folder. */
  addFiles(drive: SpDrive, n: number, opts: { prefix?: string; parentId?: string } = {}): SpItem[] {
    return Array.from({ length: n }, (_, k) => this.addFile(drive, { name: `${opts.prefix ?? 'Report'} ${k + 1}.docx`, parentId: opts.parentId }));
  }

  /** Renames or edits an item (a new version). */
  updateItem(drive: SpDrive, id: string, patch: { name?: string; size?: number; by?: Who }): SpItem {
    const it = drive.items.get(id);
    if (!it || it.deleted) throw new Error(`no item ${id}`);
    if (patch.name !== undefined) it.name = patch.name;
    if (patch.size !== undefined) it.size = patch.size;
    if (patch.by) it.modifiedBy = patch.by;
    it.modified = this.stamp();
    it.seq = ++this.seq;
    this.touchAncestors(drive, it.parentId);
    return it;
  }

  /** Deletes an item; a folder takes its whole subtree with it. */
  deleteItem(drive: SpDrive, id: string): void {
    const it = drive.items.get(id);
    if (!it || it.deleted || id === drive.rootId) throw new Error(`cannot delete ${id}`);
    const doomed = [it];
    for (let k = 0; k < doomed.length; k++) for (const c of drive.items.values()) if (c.parentId === doomed[k]!.id && !c.deleted) doomed.push(c);
    for (const d of doomed) {
      d.deleted = true;
      d.seq = ++this.seq;
    }
    this.touchAncestors(drive, it.parentId);
  }

  /** Server-relative path segments of an item below its library (empty for the root). */
  segments(drive: SpDrive, it: SpItem): string[] {
    const out: string[] = [];
    for (let c: SpItem | undefined = it; c && c.id !== drive.rootId; c = c.parentId ? drive.items.get(c.parentId) : undefined) out.unshift(c.name);
    return out;
  }

  addListItem(list: SpList, fields: Record<string, unknown>, by: Who = { displayName: 'Adele Vance', email: 'adele@contoso.onmicrosoft.com' }): SpListItem {
    const now = this.stamp();
    const it: SpListItem = { id: String(list.nextItemId++), fields: { ...fields }, contentType: 'Item', created: now, modified: now, createdBy: by, modifiedBy: by, deleted: false, seq: ++this.seq };
    list.items.set(it.id, it);
    return it;
  }

  updateListItem(list: SpList, id: string, fields: Record<string, unknown>): SpListItem {
    const it = list.items.get(id);
    if (!it || it.deleted) throw new Error(`no list item ${id}`);
    Object.assign(it.fields, fields);
    it.modified = this.stamp();
    it.seq = ++this.seq;
    return it;
  }

  deleteListItem(list: SpList, id: string): void {
    const it = list.items.get(id);
    if (!it || it.deleted) throw new Error(`no list item ${id}`);
    it.deleted = true;
    it.seq = ++this.seq;
  }

  /** Makes every delta token of a library or list stale: the next delta call answers 410 Gone. */
  invalidateDeltaTokens(target: SpDrive | SpList): void {
    target.epoch++;
  }
}

function mimeOf(name: string): string {
  const ext = name.split('.').pop()?.toLowerCase();
  const known: Record<string, string> = {
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    pdf: 'application/pdf',
    txt: 'text/plain',
    md: 'text/markdown',
  };
  return known[ext ?? ''] ?? 'application/octet-stream';
}
