import { KinexusError } from '../../../shared/errors.ts';
import type { Batch, ConnectorContext, SourceRecord, StreamSpec } from '../types.ts';
import { deltaPages, type DeltaCursor } from './delta.ts';
import { graphFor, type Graph, type GraphDrive, type GraphList, type ResolvedSite } from './graph-client.ts';
import { documentId, listItemId, mapDocument, mapListItem, type DriveItem, type ListItem } from './map.ts';
import type { SharePointSettings } from './settings.ts';

type Ctx = ConnectorContext<SharePointSettings>;

/** Stream state: one delta cursor per library (drive id) or list (list id). */
interface FeedState {
  feeds: Record<string, DeltaCursor>;
}

function initial(state: unknown): FeedState {
  const s = state as FeedState | null;
  return s && typeof s === 'object' && s.feeds ? structuredClone(s) : { feeds: {} };
}

const same = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

/**
 * Resolves every configured site; a site that is missing or forbidden does
 * not stop the others, and the stream fails at the end with the first problem.
 */
async function eachSite(ctx: Ctx, graph: Graph, problems: KinexusError[]): Promise<ResolvedSite[]> {
  const out: ResolvedSite[] = [];
  for (const spec of ctx.settings.sites) {
    try {
      out.push(await graph.site(ctx, spec));
    } catch (err) {
      if (err instanceof KinexusError && (err.code === 'config' || err.code === 'permission')) {
        ctx.log('error', err.message, { site: spec });
        problems.push(err);
        continue;
      }
      throw err;
    }
  }
  return out;
}

/** The document libraries to mirror on the resolved sites (all, or those named in the settings). */
export async function librariesOf(ctx: Ctx, graph: Graph, sites: ResolvedSite[], problems: KinexusError[]): Promise<{ site: ResolvedSite; drive: GraphDrive }[]> {
  const out: { site: ResolvedSite; drive: GraphDrive }[] = [];
  const wanted = ctx.settings.libraries;
  for (const site of sites) {
    const drives = await graph.all<GraphDrive>(ctx, `/sites/${site.id}/drives`);
    for (const drive of drives) if (!wanted || wanted.some((w) => same(w, drive.name))) out.push({ site, drive });
  }
  for (const w of wanted ?? []) {
    if (!out.some((l) => same(l.drive.name, w))) problems.push(new KinexusError('config', `No document library named "${w}" on the configured SharePoint sites.`, { action: `Open the SharePoint settings and fix or remove the library "${w}"` }));
  }
  return out;
}

/** The lists to mirror: those named in the settings, else every visible list that is not a library. */
async function listsOf(ctx: Ctx, graph: Graph, sites: ResolvedSite[], problems: KinexusError[]): Promise<{ site: ResolvedSite; list: GraphList }[]> {
  const out: { site: ResolvedSite; list: GraphList }[] = [];
  const wanted = ctx.settings.lists;
  for (const site of sites) {
    const lists = await graph.all<GraphList>(ctx, `/sites/${site.id}/lists`);
    for (const list of lists) {
      const pick = wanted ? wanted.some((w) => same(w, list.displayName) || same(w, list.name)) : !list.list?.hidden && list.list?.template !== 'documentLibrary';
      if (pick) out.push({ site, list });
    }
  }
  for (const w of wanted ?? []) {
    if (!out.some((l) => same(l.list.displayName, w) || same(l.list.name, w))) problems.push(new KinexusError('config', `No list named "${w}" on the configured SharePoint sites.`, { action: `Open the SharePoint settings and fix or remove the list "${w}"` }));
  }
  return out;
}

/**
 * Turns one page of a feed into a batch. At the end of a resync, mirrored
 * records of this feed that the fresh enumeration did not return are deleted.
 */
function toBatch<T extends { id: string; deleted?: unknown }>(ctx: Ctx, st: FeedState, feedId: string, page: { items: T[]; cursor: DeltaCursor; resyncSeen?: Set<string> }, map: (item: T) => SourceRecord | null, idOf: (itemId: string) => string): Batch {
  const records: SourceRecord[] = [];
  const deletedIds: string[] = [];
  let failed = 0;
  for (const item of page.items) {
    if (item.deleted) {
      deletedIds.push(idOf(item.id));
      continue;
    }
    try {
      const r = map(item);
      if (r) records.push(r);
    } catch (err) {
      failed++;
      ctx.log('warn', `Could not read SharePoint item ${item.id}: ${(err as Error).message}`);
    }
  }
  if (page.resyncSeen) {
    const keep = new Set([...page.resyncSeen].map(idOf));
    const prefix = idOf('');
    const gone = (ctx.knownIds?.() ?? []).filter((id) => id.startsWith(prefix) && !keep.has(id));
    if (gone.length > 0) ctx.log('info', `Resync finished: ${gone.length} mirrored items no longer exist and are removed`);
    deletedIds.push(...gone);
  }
  st.feeds[feedId] = page.cursor;
  return { records, deletedIds, failed, state: structuredClone(st) };
}

function describeStart(c: DeltaCursor | undefined): string {
  if (!c?.link) return 'first sync, reading everything';
  if (c.resync) return 'resuming a full resync';
  return c.paging ? 'resuming where the last sync stopped' : 'changes since the last sync';
}

async function* readDocuments(ctx: Ctx, state: unknown): AsyncGenerator<Batch> {
  const st = initial(state);
  const graph = graphFor(ctx);
  const problems: KinexusError[] = [];
  const libraries = await librariesOf(ctx, graph, await eachSite(ctx, graph, problems), problems);
  for (const { site, drive } of libraries) {
    const label = `${site.title} / ${drive.name}`;
    ctx.log('info', `${label}: ${describeStart(st.feeds[drive.id])}`);
    const map = (item: DriveItem) => (item.folder || item.root || !item.file ? null : mapDocument(site, drive, item));
    for await (const page of deltaPages<DriveItem>(ctx, graph, `/drives/${drive.id}/root/delta`, st.feeds[drive.id], label)) {
      yield toBatch(ctx, st, drive.id, page, map, (id) => documentId(drive.id, id));
    }
  }
  if (problems.length > 0) throw problems[0];
}

async function* readListItems(ctx: Ctx, state: unknown): AsyncGenerator<Batch> {
  const st = initial(state);
  const graph = graphFor(ctx);
  const problems: KinexusError[] = [];
  const lists = await listsOf(ctx, graph, await eachSite(ctx, graph, problems), problems);
  for (const { site, list } of lists) {
    const label = `${site.title} / ${list.displayName}`;
    ctx.log('info', `${label}: ${describeStart(st.feeds[list.id])}`);
    const first = `/sites/${site.id}/lists/${list.id}/items/delta?$expand=fields`;
    for await (const page of deltaPages<ListItem>(ctx, graph, first, st.feeds[list.id], label)) {
      yield toBatch(ctx, st, list.id, page, (item) => mapListItem(site, list, item), (id) => listItemId(list.id, id));
    }
  }
  if (problems.length > 0) throw problems[0];
}

/** Streams of the SharePoint connector. */
export const sharepointStreams: StreamSpec<SharePointSettings>[] = [
  { name: 'documents', title: 'Documents', kind: 'document', read: readDocuments },
  { name: 'list_items', title: 'List items', kind: 'list_item', read: readListItems },
];
