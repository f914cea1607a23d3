import type { AppSettings, FullRecord, Health, RecordHit, SearchPage } from '../../shared/sync.ts';

/** Filters the MCP tools pass to the mirror; the same as the records API's. */
export interface MirrorFilter {
  source?: string;
  kind?: string;
  updatedSince?: string;
  limit: number;
  offset: number;
}

/** What a started (or joined) sync looks like to an assistant. */
export interface SyncStarted {
  integrationId: string;
  name: string;
  state: 'started' | 'running' | 'queued';
  runId: string | null;
}

/**
 * The mirror as the MCP server sees it. Inside the app it is the core (whose
 * replies pass the secret redactor); for `kinexus mcp` over stdio it is a
 * read-only view of the database, which cannot sync by itself.
 */
export interface Mirror {
  /** Best matches first; `total` is a lower bound when `totalIsAtLeast`. */
  search(q: string, f: MirrorFilter): Promise<SearchPage>;
  list(f: MirrorFilter): Promise<{ hits: RecordHit[]; total: number }>;
  get(id: number): Promise<FullRecord | undefined>;
  findByExternal(source: string, kind: string, externalId: string): Promise<FullRecord | undefined>;
  health(): Promise<Health[]>;
  settings(): Promise<AppSettings>;
  /** Starts or joins a sync of one integration (by id or name); throws a KinexusError when it cannot. */
  syncNow(integration: string): Promise<SyncStarted>;
}

const SCHEME = 'kinexus://records/';

/** The URI template of mirrored records as MCP resources. */
export const RECORD_URI_TEMPLATE = 'kinexus://records/{source}/{kind}/{id}';

/** The resource URI of a record: `kinexus://records/<source>/<kind>/<external id>`, each part percent-encoded. */
export function recordUri(r: Pick<RecordHit, 'source' | 'kind' | 'externalId'>): string {
  return `${SCHEME}${encodeURIComponent(r.source)}/${encodeURIComponent(r.kind)}/${encodeURIComponent(r.externalId)}`;
}

/** Parses a record URI; null when it is not one. */
export function parseRecordUri(uri: string): { source: string; kind: string; externalId: string } | null {
  if (!uri.startsWith(SCHEME)) return null;
  const parts = uri.slice(SCHEME.length).split('/');
  if (parts.length !== 3 || parts.some((p) => p.length === 0)) return null;
  try {
    const [source, kind, externalId] = parts.map((p) => decodeURIComponent(p));
    return { source, kind, externalId };
  } catch {
    return null;
  }
}
